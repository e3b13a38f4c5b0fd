"""The demo: a platform operator and the "panda" school with its cast. Safe to run twice.

`--scale` also makes the "scale" school (100 teachers, 2,000 students, 200,000 lessons) for benchmarks.
"""

import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django_tenants.utils import schema_context

from billing.demo import seed_billing
from shared_apps.tenants.models import Domain, School
from shared_apps.tenants.services import school_create, school_host
from tenant_apps.accounts.models import User
from tenant_apps.accounts.services import user_create
from tenant_apps.learning.demo import seed_learning
from tenant_apps.materials.demo import seed_materials
from tenant_apps.scheduling.demo import seed_scale, seed_scheduling, seed_showcase
from tenant_apps.vocabulary.demo import seed_vocabulary
from tenant_apps.website.demo import seed_teachers, seed_website
from tenant_apps.worksheets.demo import seed_worksheets

DEMO_PASSWORD = "panda-demo-2026"
DEMO_SUBDOMAIN = "panda"
SCALE_SUBDOMAIN = "scale"
OPERATOR_EMAIL = "operator@example.com"
# email, name, roles, interface language
DEMO_CAST = [
    ("manager@example.com", "Марина Петрова", {"is_manager": True}, "ru"),
    ("methodologist@example.com", "Ольга Смирнова", {"is_methodologist": True}, "ru"),
    ("teacher.anna@example.com", "Anna Brown", {"is_teacher": True}, "en"),
    ("teacher.li@example.com", "Li Wei", {"is_teacher": True}, "en"),
    ("student.ivan@example.com", "Иван Соколов", {"is_student": True}, "ru"),
    ("student.maria@example.com", "Мария Кузнецова", {"is_student": True}, "ru"),
    ("student.alex@example.com", "Alex Johnson", {"is_student": True}, "en"),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo platform operator and the demo school 'panda'."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", action="store_true",
            help="Also create the school 'scale': 100 teachers, 2,000 students, 200,000 lessons (bulk-made).",
        )
        parser.add_argument(
            "--reset", action="store_true",
            help="Remove the demo school (its schema and files) first: the demo as it was at the start.",
        )

    def handle(self, *args, **options):
        connection.set_schema_to_public()
        if options["reset"]:
            self._reset()
        self._operator()
        school = self._school()
        with schema_context(school.schema_name):
            for email, name, roles, language in DEMO_CAST:
                self._user(email, name, roles, language)
            seed_learning()
            seed_billing()
            seed_scheduling()
            seed_materials()
            seed_vocabulary()
            seed_website()
            seed_teachers(password=DEMO_PASSWORD)
            seed_worksheets()
            seed_showcase()
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Logins (password for all: {DEMO_PASSWORD}):"))
        self.stdout.write(f"  platform operator  {OPERATOR_EMAIL}  at http://localhost:8000/admin/")
        for email, _name, roles, _language in DEMO_CAST:
            role = next(iter(roles)).removeprefix("is_")
            self.stdout.write(f"  {role:<14}     {email}  at http://{school_host(DEMO_SUBDOMAIN)}:8000/")
        if options["scale"]:
            self._scale()

    def _reset(self):
        """The demo school goes (its schema, its uploaded files); the platform and other schools stay."""
        import shutil
        from pathlib import Path

        from django.conf import settings

        domain = Domain.objects.select_related("tenant").filter(domain=school_host(DEMO_SUBDOMAIN)).first()
        if domain is None:
            return
        school = domain.tenant
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
            shutil.rmtree(Path(root) / school.schema_name, ignore_errors=True)
        school.delete(force_drop=True)
        self.stdout.write("The demo school was removed; making it again.")

    def _operator(self):
        if not User.objects.filter(email=OPERATOR_EMAIL).exists():
            User.objects.create_superuser(OPERATOR_EMAIL, DEMO_PASSWORD, full_name="Platform Operator")

    def _school(self) -> School:
        domain = Domain.objects.select_related("tenant").filter(domain=school_host(DEMO_SUBDOMAIN)).first()
        if domain:
            return domain.tenant
        email, name, _roles, _language = DEMO_CAST[0]
        return school_create(
            name="Panda",
            subdomain=DEMO_SUBDOMAIN,
            time_zone="Europe/Moscow",
            currency="RUB",
            owner_name=name,
            owner_email=email,
            owner_password=DEMO_PASSWORD,
        ).school

    @transaction.atomic
    def _user(self, email, name, roles, language):
        user = User.objects.filter(email=email).first()
        if user is None:
            user_create(email=email, password=DEMO_PASSWORD, full_name=name, language=language, **roles)

    def _scale(self):
        """The scale school, filled once: a run that finds its lessons leaves it as it is."""
        from tenant_apps.scheduling.models import Lesson

        connection.set_schema_to_public()
        domain = Domain.objects.select_related("tenant").filter(domain=school_host(SCALE_SUBDOMAIN)).first()
        school = domain.tenant if domain else school_create(
            name="Scale", subdomain=SCALE_SUBDOMAIN, time_zone="Europe/Moscow", currency="RUB",
            owner_name="Scale Manager", owner_email="manager@scale.example.com", owner_password=DEMO_PASSWORD,
            default_language="en",
        ).school
        with schema_context(school.schema_name):
            if Lesson.objects.exists():
                self.stdout.write(f"The scale school is there already ({Lesson.objects.count():,} lessons).")
                return
            started = time.perf_counter()
            report = seed_scale(password_hash=make_password(DEMO_PASSWORD), log=self.stderr.write)
            elapsed = time.perf_counter() - started
        counts = ", ".join(f"{value:,} {what}" for what, value in report.counts.items())
        steps = ", ".join(f"{what} {seconds} s" for what, seconds in report.seconds.items())
        self.stdout.write(self.style.SUCCESS(f"Scale school ready in {elapsed:.0f} s: {counts}."))
        self.stdout.write(f"  steps: {steps}")
        self.stdout.write(f"  logins (password {DEMO_PASSWORD}): teacher.000@scale.example.com, "
                          f"student.0000@scale.example.com at http://{school_host(SCALE_SUBDOMAIN)}:8000/")
