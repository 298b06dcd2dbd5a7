import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms import sms
from cms.models import Verification
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "Lüshi-falv-2026"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST and then run what the view left for after its commit (the sending of messages)."""

    def _post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return _post


@pytest.fixture
def register(post):
    def _register(identifier, password=STRONG, again=None, display_name=""):
        data = {"identifier": identifier, "password": password, "password_again": again or password}
        return post(reverse("accounts:register"), {**data, "display_name": display_name})

    return _register


def link_and_code(message_body: str) -> tuple[str, str]:
    link = re.search(r"http://\S+/accounts/\S+/\S+/", message_body).group(0)
    code = re.search(r"验证码：?\s*(\d{6})", message_body).group(1)
    return link, code


def test_register_by_email_sends_link_and_code_and_leaves_account_inactive(client, register):
    response = register("Wang.Li@Example.com", display_name="老王")
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.email, user.username, user.phone) == ("wang.li@example.com", "wang.li@example.com", "")
    assert not user.is_active and user.confirmed_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wang.li@example.com"]
    link, code = link_and_code(mail.outbox[0].body)
    assert "/accounts/confirm/" in link and len(code) == 6


def test_confirm_link_activates_once_then_says_it_was_used(client, register):
    register("a@example.com")
    link, _code = link_and_code(mail.outbox[0].body)
    path = link.split("8000", 1)[1]
    first = client.get(path)
    assert first.status_code == 302 and first["Location"] == reverse("accounts:login")
    assert User.objects.get().is_active
    again = client.get(path)
    assert again.status_code == 400
    assert "已经使用过" in again.content.decode()


def test_expired_confirm_link_is_refused_with_a_way_forward(client, register):
    register("late@example.com")
    link, _code = link_and_code(mail.outbox[0].body)
    Verification.objects.update(link_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link.split("8000", 1)[1])
    assert response.status_code == 400
    body = response.content.decode()
    assert "已过期" in body and reverse("accounts:confirm") in body
    assert not User.objects.get().is_active


def test_unknown_confirm_link_is_refused(client):
    response = client.get(reverse("accounts:confirm_link", args=["not-a-token"]))
    assert response.status_code == 400
    assert "链接无效" in response.content.decode()


def test_register_by_phone_sends_code_by_sms_and_code_confirms(client, register):
    register("+86 138 0013 8000")
    user = User.objects.get()
    assert user.phone == "13800138000" and user.email == ""
    assert mail.outbox == []
    [(phone, text)] = sms.outbox
    assert phone == "13800138000"
    code = re.search(r"(\d{6})", text).group(1)
    response = client.post(reverse("accounts:confirm"), {"identifier": "13800138000", "code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.confirmed_at is not None


def test_wrong_codes_are_counted_and_lock_the_code(client, register):
    register("13900139000")
    code = re.search(r"(\d{6})", sms.outbox[0][1]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = client.post(reverse("accounts:confirm"), {"identifier": "13900139000", "code": wrong})
        assert "验证码不正确" in response.content.decode()
    response = client.post(reverse("accounts:confirm"), {"identifier": "13900139000", "code": code})
    assert "错误次数过多" in response.content.decode()
    assert not User.objects.get().is_active


def test_resend_issues_a_new_code(client, register, post):
    register("13700137000")
    post(reverse("accounts:confirm"), {"identifier": "13700137000", "resend": "1"})
    assert len(sms.outbox) == 2
    code = re.search(r"(\d{6})", sms.outbox[1][1]).group(1)
    client.post(reverse("accounts:confirm"), {"identifier": "13700137000", "code": code})
    assert User.objects.get().is_active


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("not-an-address", "请输入有效的电子邮箱地址或中国大陆手机号码"),
        ("12345678901", "请输入有效的电子邮箱地址或中国大陆手机号码"),
        ("a@b", "请输入有效的电子邮箱地址或中国大陆手机号码"),
        ("1380013800", "请输入有效的电子邮箱地址或中国大陆手机号码"),
    ],
)
def test_malformed_identifier_is_refused_and_nothing_is_created(client, identifier, message, register):
    response = register(identifier)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == 0 and Verification.objects.count() == 0


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short1!", "密码长度太短"), ("12345678901", "密码只包含数字"), ("password123", "太常见")],
)
def test_weak_password_is_refused_in_chinese_and_nothing_is_created(client, password, fragment, register):
    response = register("weak@example.com", password=password)
    assert fragment in response.content.decode()
    assert User.objects.count() == 0 and mail.outbox == []


def test_mismatched_passwords_are_refused(client, register):
    response = register("mm@example.com", password=STRONG, again=STRONG + "x")
    assert "两次输入的密码不一致" in response.content.decode()
    assert User.objects.count() == 0


def test_display_name_that_leaks_contact_data_is_refused(client, register):
    response = register("dn@example.com", display_name="张三13800138000")
    assert "不能包含电子邮箱或电话号码" in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.parametrize("identifier", ["login@example.com", "LOGIN@example.com", "13500135000", "loginuser"])
def test_login_with_user_name_email_or_phone(client, identifier):
    UserFactory(username="loginuser", email="login@example.com", phone="13500135000")
    response = client.post(reverse("accounts:login"), {"identifier": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "loginuser"


def test_login_with_wrong_password_says_so_without_saying_which_part(client):
    UserFactory(username="u", email="u@example.com")
    response = client.post(reverse("accounts:login"), {"identifier": "u@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client):
    UserFactory(username="t", email="t@example.com")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"identifier": "t@example.com", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"identifier": "t@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unconfirmed_account_is_sent_to_confirm(client, register):
    register("pending@example.com")
    response = client.post(reverse("accounts:login"), {"identifier": "pending@example.com", "password": STRONG})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm"))
    assert "_auth_user_id" not in client.session


def test_login_ignores_an_offsite_next(client):
    UserFactory(username="n", email="n@example.com")
    response = client.post(
        reverse("accounts:login"), {"identifier": "n", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_logout_needs_post(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_link(client, post):
    UserFactory(username="r", email="r@example.com")
    response = post(reverse("accounts:reset"), {"identifier": "r@example.com"})
    assert response.status_code == 302
    link, _code = link_and_code(mail.outbox[0].body)
    path = link.split("8000", 1)[1]
    assert client.get(path).status_code == 200
    response = client.post(path, {"password": STRONG, "password_again": STRONG})
    assert response.status_code == 302
    assert client.login(username="r", password=STRONG)
    assert client.get(path).status_code == 400  # a reset link works once


def test_password_reset_by_phone_code_and_weak_password_keeps_the_code(client, post):
    UserFactory(username="p", email="", phone="13300133000")
    post(reverse("accounts:reset"), {"identifier": "13300133000"})
    code = re.search(r"(\d{6})", sms.outbox[0][1]).group(1)
    url = reverse("accounts:reset_code")
    weak = client.post(url, {"identifier": "13300133000", "code": code, "password": "123", "password_again": "123"})
    assert "密码长度太短" in weak.content.decode()
    ok = client.post(url, {"identifier": "13300133000", "code": code, "password": STRONG, "password_again": STRONG})
    assert ok.status_code == 302
    assert client.login(username="13300133000", password=STRONG)


def test_password_reset_does_not_reveal_unknown_accounts(client, post):
    response = client.post(reverse("accounts:reset"), {"identifier": "nobody@example.com"}, follow=True)
    assert "如果该账号存在" in response.content.decode()
    assert mail.outbox == []


def test_profile_sets_display_name_and_empty_means_anonymous(client):
    user = UserFactory(display_name="旧名字")
    client.force_login(user)
    client.post(reverse("accounts:profile"), {"display_name": "新名字"})
    user.refresh_from_db()
    assert user.public_name == "新名字"
    client.post(reverse("accounts:profile"), {"display_name": ""})
    user.refresh_from_db()
    assert user.public_name == "匿名"


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
