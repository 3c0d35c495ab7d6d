from django.urls import path

from bawaba.pages import views

app_name = "pages"

urlpatterns = [
    path("personal-data/", views.personal_data_notice, name="personal_data"),
    path("legal-notice/", views.legal_notice, name="legal_notice"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("help/", views.help_page, name="help"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data.json", views.my_data_json, name="my_data_json"),
    path("staff/contact-messages/", views.contact_messages_list, name="contact_messages"),
    path("staff/design/", views.design_system, name="design_system"),
]
