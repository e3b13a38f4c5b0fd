from django.urls import path

from tenant_apps.areas import views, views_methodologist

app_name = "areas"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("profile/", views.profile, name="profile"),
    path("student/", views.student_dashboard, name="student"),
    path("student/<slug:slug>/", views.student_section, name="student_section"),
    path("teacher/", views.teacher_dashboard, name="teacher"),
    path("teacher/students/", views.teacher_students, name="teacher_students"),
    path("teacher/<slug:slug>/", views.teacher_section, name="teacher_section"),
    path("methodologist/", views_methodologist.methodologist_trials, name="methodologist"),
    path("methodologist/hours/", views_methodologist.methodologist_hours, name="methodologist_hours"),
    path("methodologist/trials/<int:pk>/", views_methodologist.trial_detail, name="methodologist_trial"),
    path("methodologist/trials/<int:pk>/move/", views_methodologist.trial_move, name="methodologist_trial_move"),
    path("methodologist/enrollments/<int:pk>/teacher/", views_methodologist.assign_teacher,
         name="methodologist_assign"),
    path("manager/", views.manager_overview, name="manager"),
    path("manager/staff/", views.manager_staff, name="manager_staff"),
    path("manager/students/", views.manager_students, name="manager_students"),
    path("manager/funnel/", views_methodologist.manager_funnel, name="manager_funnel"),
    path("manager/settings/", views.manager_settings, name="manager_settings"),
]
