from django.urls import path

from tenant_apps.vocabulary import views

app_name = "vocabulary"
urlpatterns = [
    path("student/dictionary/", views.student_dictionary, name="student_dictionary"),
]
