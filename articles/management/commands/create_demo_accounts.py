import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create the demo accounts 'admin' and 'editor' (in the Editors group; "
        "DEBUG only) if they do not exist, each with a random password printed once."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only created with DJANGO_DEBUG on.")
        User = get_user_model()
        for username, is_superuser in [("admin", True), ("editor", False)]:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"Account '{username}' exists; password unchanged.")
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username,
                password=password,
                is_staff=True,
                is_superuser=is_superuser,
            )
            if not is_superuser:
                user.groups.add(Group.objects.get(name="Editors"))
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created '{username}' with password: {password} "
                    "(shown only now; log in at /admin/)"
                )
            )
