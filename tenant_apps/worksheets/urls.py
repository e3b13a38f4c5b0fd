from django.urls import path

from tenant_apps.worksheets import views_student as student
from tenant_apps.worksheets import views_teacher as teacher

app_name = "worksheets"
urlpatterns = [
    path("teacher/assignments/", teacher.teacher_home, name="teacher"),
    path("teacher/assignments/new/", teacher.worksheet_new, name="new"),
    path("teacher/assignments/import/", teacher.gift_import, name="gift_import"),
    path("teacher/assignments/from-pdf/", teacher.background_new, name="background_new"),
    path("teacher/assignments/<int:pk>/", teacher.builder, name="builder"),
    path("teacher/assignments/<int:pk>/items/new/", teacher.item_new, name="item_new"),
    path("teacher/assignments/<int:pk>/items/<slug:item_id>/", teacher.item_edit, name="item_edit"),
    path("teacher/assignments/<int:pk>/items/<slug:item_id>/delete/", teacher.item_delete, name="item_delete"),
    path("teacher/assignments/<int:pk>/items/<slug:item_id>/move/", teacher.item_move, name="item_move"),
    path("teacher/assignments/<int:pk>/boxes/", teacher.box_new, name="box_new"),
    path("teacher/assignments/<int:pk>/share/", teacher.share, name="share"),
    path("teacher/assignments/<int:pk>/export.gift", teacher.gift_export, name="gift_export"),
    path("teacher/assignments/<int:pk>/preview/", teacher.preview, name="preview"),
    path("teacher/assignments/<int:pk>/attempts/", teacher.attempts, name="attempts"),
    path("teacher/assignments/attempts/<int:pk>/", teacher.attempt_detail, name="attempt"),
    path("student/worksheets/", student.student_home, name="student"),
    path("student/worksheets/<int:pk>/", student.run, name="run"),
    path("student/worksheets/attempts/<int:pk>/save/", student.save, name="save"),
    path("student/worksheets/attempts/<int:pk>/submit/", student.submit, name="submit"),
    path("student/worksheets/attempts/<int:pk>/", student.result, name="result"),
    path("worksheets/<int:pk>/open/", student.open_worksheet, name="open"),
    path("worksheets/files/<int:pk>/", student.file, name="file"),
    path("worksheets/files/<int:pk>/pages/<int:number>.jpg", student.file_page, name="file_page"),
]
