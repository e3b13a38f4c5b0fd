from django.urls import path

from tenant_apps.materials import views, views_library

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
    path("student/courses/", views.student_courses, name="student_courses"),
    path("student/courses/materials/<int:pk>/", views.student_material, name="student_material"),
    # The library
    path("teacher/materials/library/", views_library.library_home, name="library"),
    path("teacher/materials/library/search/", views_library.library_search, name="library_search"),
    path("teacher/materials/courses/new/", views_library.course_new, name="course_new"),
    path("teacher/materials/courses/<int:pk>/", views_library.course_detail, name="course"),
    path("teacher/materials/courses/<int:pk>/lessons/new/", views_library.course_lesson_new, name="course_lesson_new"),
    path("teacher/materials/courses/<int:pk>/share/", views_library.course_share, name="course_share"),
    path("teacher/materials/courses/<int:pk>/duplicate/", views_library.course_duplicate, name="course_duplicate"),
    path("teacher/materials/courses/<int:pk>/lessons/<int:number>/", views_library.course_lesson,
         name="course_lesson"),
    path("teacher/materials/courses/<int:pk>/lessons/<int:number>/materials/",
         views_library.course_lesson_material_new, name="course_lesson_material_new"),
    path("teacher/materials/library/<int:pk>/", views_library.material_detail, name="material"),
    path("teacher/materials/library/<int:pk>/use/", views_library.material_use, name="material_use"),
    path("teacher/materials/library/<int:pk>/share/", views_library.material_share, name="material_share"),
    path("teacher/links/", views_library.links, name="links"),
    path("teacher/files/", views_library.files_home, name="files"),
    path("teacher/files/upload/", views_library.file_upload, name="file_upload"),
    path("teacher/topics/", views_library.topics, name="topics"),
    path("teacher/topics/<int:pk>/", views_library.topic_detail, name="topic"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    # The same file under a name with its extension: the board tells an image's type by it.
    path("materials/<int:pk>/file.<slug:extension>", views.material_file, name="material_file_named"),
    path("materials/<int:pk>/pages/<int:number>.jpg", views.material_page, name="material_page"),
    path("materials/<int:pk>/preview/", views.material_preview, name="material_preview"),
]
