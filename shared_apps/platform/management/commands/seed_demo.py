"""The demo: a platform operator and the "panda" school with its cast. Safe to run twice."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django_tenants.utils import schema_context

from billing.demo import seed_billing
from shared_apps.tenants.models import Domain, School
from shared_apps.tenants.services import school_create, school_host
from tenant_apps.accounts.models import User
from tenant_apps.accounts.services import user_create
from tenant_apps.learning.demo import seed_learning

DEMO_PASSWORD = "panda-demo-2026"
DEMO_SUBDOMAIN = "panda"
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

    def handle(self, *args, **options):
        connection.set_schema_to_public()
        self._operator()
        school = self._school()
        with schema_context(school.schema_name):
            for email, name, roles, language in DEMO_CAST:
                self._user(email, name, roles, language)
            seed_learning()
            seed_billing()
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Logins (password for all: {DEMO_PASSWORD}):"))
        self.stdout.write(f"  platform operator  {OPERATOR_EMAIL}  at http://localhost:8000/admin/")
        for email, _name, roles, _language in DEMO_CAST:
            role = next(iter(roles)).removeprefix("is_")
            self.stdout.write(f"  {role:<14}     {email}  at http://{school_host(DEMO_SUBDOMAIN)}:8000/")

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
