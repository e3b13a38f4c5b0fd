from django.urls import path

from tenant_apps.vocabulary import views, views_io

app_name = "vocabulary"
urlpatterns = [
    path("student/dictionary/", views.student_dictionary, name="student_dictionary"),
    path("student/dictionary/review/", views.review, name="review"),
    path("student/dictionary/review/<int:card_id>/", views.review_rate, name="review_rate"),
    path("dictionaries/", views.dictionaries, name="dictionaries"),
    path("dictionaries/<int:student_id>/", views.student_words, name="student_words"),
    path("dictionaries/<int:student_id>/words/new/", views.word_new, name="word_new"),
    path("dictionaries/<int:student_id>/words/sentence/", views.word_sentence, name="word_sentence"),
    path("dictionaries/<int:student_id>/words/from-list/", views.word_list_add, name="word_list_add"),
    path("dictionaries/<int:student_id>/export.csv", views_io.export_csv, name="export_csv"),
    path("dictionaries/<int:student_id>/export.apkg", views_io.export_apkg, name="export_apkg"),
    path("dictionaries/<int:student_id>/import/", views_io.import_csv, name="import_csv"),
    path("dictionary/words/<int:pk>/", views.word_edit, name="word_edit"),
    path("dictionary/words/<int:pk>/delete/", views.word_delete, name="word_delete"),
    path("dictionary/words/<int:pk>/recording/", views.word_recording, name="word_recording"),
    path("dictionary/words/<int:pk>/audio/", views.word_audio, name="word_audio"),
    path("dictionary/words/<int:pk>/image/", views.word_image, name="word_image"),
]
