from django.urls import path

from billing import views, views_manager

app_name = "billing"
urlpatterns = [
    path("student/payments/", views.student_payments, name="student_payments"),
    path("student/free-lessons/", views.student_free_lessons, name="student_free_lessons"),
    path("student/free-lessons/<int:pk>/place/", views.student_grant_place, name="student_grant_place"),
    path("join/<str:code>/", views.referral_join, name="referral_join"),
    path("billing/checkout/", views.checkout, name="checkout"),
    path("billing/checkout/<int:pk>/success/", views.checkout_success, name="checkout_success"),
    path("billing/checkout/<int:pk>/cancel/", views.checkout_cancel, name="checkout_cancel"),
    path("billing/passes/<int:pk>/", views.pass_history, name="pass_history"),
    path("billing/webhooks/stripe/", views.stripe_webhook, name="stripe_webhook"),
    path("manager/products/", views.manager_products, name="manager_products"),
    path("manager/products/new/", views.manager_product_edit, name="manager_product_new"),
    path("manager/products/<int:pk>/", views.manager_product_edit, name="manager_product_edit"),
    path("manager/free-lessons/", views_manager.manager_promo_codes, name="manager_promo_codes"),
    path("manager/free-lessons/<int:pk>/toggle/", views_manager.manager_promo_code_toggle,
         name="manager_promo_code_toggle"),
    path("manager/free-lessons/referrals/", views_manager.manager_referral_settings, name="manager_referral_settings"),
    path("manager/payments/", views_manager.manager_payments, name="manager_payments"),
    path("manager/payments/<int:pk>/", views_manager.manager_payment, name="manager_payment"),
    path("manager/passes/", views_manager.manager_passes, name="manager_passes"),
    path("manager/passes/<int:pk>/", views_manager.manager_pass, name="manager_pass"),
    path("manager/report/", views_manager.manager_report, name="manager_report"),
    path("manager/report.csv", views_manager.manager_report_csv, name="manager_report_csv"),
    path("manager/payment-account/", views_manager.manager_payment_account, name="manager_payment_account"),
    path("manager/payment-account/connect/", views_manager.manager_connect_start, name="manager_connect_start"),
    path("manager/payment-account/return/", views_manager.manager_connect_return, name="manager_connect_return"),
]
