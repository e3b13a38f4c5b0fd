from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("student/payments/", views.student_payments, name="student_payments"),
    path("billing/checkout/", views.checkout, name="checkout"),
    path("billing/checkout/<int:pk>/success/", views.checkout_success, name="checkout_success"),
    path("billing/checkout/<int:pk>/cancel/", views.checkout_cancel, name="checkout_cancel"),
    path("billing/passes/<int:pk>/", views.pass_history, name="pass_history"),
    path("billing/webhooks/stripe/", views.stripe_webhook, name="stripe_webhook"),
    path("manager/products/", views.manager_products, name="manager_products"),
    path("manager/products/new/", views.manager_product_edit, name="manager_product_new"),
    path("manager/products/<int:pk>/", views.manager_product_edit, name="manager_product_edit"),
]
