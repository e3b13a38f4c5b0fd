from django.urls import path

from tenant_apps.materials import views

app_name = "materials"
urlpatterns = [
    path("teacher/materials/", views.teacher_home, name="teacher"),
    path("teacher/materials/templates/new/", views.template_new, name="template_new"),
    path("teacher/materials/lessons/<int:lesson_id>/plans/new/", views.lesson_plan_new, name="lesson_plan_new"),
    path("teacher/materials/plans/<int:pk>/", views.plan_detail, name="plan"),
    path("teacher/materials/plans/<int:pk>/items/", views.item_new, name="item_new"),
    path("teacher/materials/plans/<int:pk>/template/", views.plan_save_as_template, name="plan_save_as_template"),
    path("teacher/materials/plans/<int:pk>/apply/", views.plan_apply, name="plan_apply"),
    path("teacher/materials/plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("teacher/materials/items/<int:pk>/move/", views.item_move, name="item_move"),
    path("teacher/materials/items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("student/lesson-plan/", views.student_topics, name="student_topics"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    # The same file under a name with its extension: the board tells an image's type by it.
    path("materials/<int:pk>/file.<slug:extension>", views.material_file, name="material_file_named"),
    path("materials/<int:pk>/pages/<int:number>.jpg", views.material_page, name="material_page"),
    path("materials/<int:pk>/preview/", views.material_preview, name="material_preview"),
]
