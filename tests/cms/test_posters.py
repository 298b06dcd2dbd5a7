"""QR posters (issue 19): A4 SVG drawn on the server, the code leading to the page, nothing fetched elsewhere."""

import pytest
from defusedxml import ElementTree

from cms.posters import qr_svg_path
from tests.factories import ContactPointFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _parsed(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    return ElementTree.fromstring(response.content)


def test_a_drafts_poster_is_a4_with_the_title_the_call_and_the_code_to_its_page(client, draft, settings):
    settings.BASE_URL = "https://yijian.example.gov.cn"
    root = _parsed(client.get(f"{draft.url}poster/"))
    assert root.get("width") == "210mm" and root.get("height") == "297mm"
    text = "".join(root.itertext())
    assert "示例条例" in text and "扫码提意见" in text and "征求意见时间：" in text
    url = f"https://yijian.example.gov.cn{draft.url}"
    # The code drawn is the QR code of the page's address (the same modules segno makes for it).
    path = next(p for p in root.iter(f"{SVG}path"))
    assert path.get("d") == qr_svg_path(url, size=110.0, x=50.0, y=95.0)
    assert qr_svg_path(url + "x", size=110.0, x=50.0, y=95.0) != path.get("d")
    assert "http" not in "".join(
        a for el in root.iter() for k, a in el.attrib.items() if k != "aria-label" and "xmlns" not in k
    )


def test_an_articles_poster_names_it_and_leads_to_it(client, draft, settings):
    settings.BASE_URL = "https://yijian.example.gov.cn"
    text = "".join(_parsed(client.get(f"{draft.url}articles/5/poster/")).itertext())
    assert "第五条" in text and f"https://yijian.example.gov.cn{draft.url}articles/5/" in text
    assert client.get(f"{draft.url}articles/99/poster/").status_code == 404


def test_a_contact_points_poster(client):
    point = ContactPointFactory(name="西湖区北山街道基层立法联系点")
    text = "".join(_parsed(client.get(f"/contact-points/{point.pk}/poster/")).itertext())
    assert "西湖区北山街道基层立法联系点" in text and "扫码了解正在征求意见的法规草案" in text
