from django.core.management.base import BaseCommand

from cms.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the demo site once (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        accounts = demo_load()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 (demo data ready). 演示账号 / demo accounts:"))
        for account in accounts:
            self.stdout.write(f"  {account.username:<12} {DEMO_PASSWORD:<12} {account.description}")
        self.stdout.write("  网站 / site:  http://127.0.0.1:8000/    管理后台 / admin: http://127.0.0.1:8000/admin/")
