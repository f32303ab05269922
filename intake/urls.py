from django.urls import path

from intake import views

urlpatterns = [
    path("documents/", views.document_admin_list, name="document_admin_list"),
    path("documents/<int:document_id>/", views.document_admin_detail, name="document_admin_detail"),
    path("documents/<int:document_id>/publish/", views.document_publish, name="document_publish"),
    path("documents/default-packet/", views.default_packet, name="default_packet"),
    path("me/intake/", views.partner_intake, name="partner_intake"),
    path("intake/", views.packet_list, name="packet_list"),
    path("intake/couples/<int:couple_id>/", views.packet_detail, name="packet_detail"),
    path("intake/couples/<int:couple_id>/items/", views.packet_item_add, name="packet_item_add"),
    path(
        "intake/couples/<int:couple_id>/items/<int:item_id>/remove/",
        views.packet_item_remove,
        name="packet_item_remove",
    ),
    path("intake/couples/<int:couple_id>/hold/", views.packet_hold_override, name="packet_hold_override"),
    path("me/documents/", views.partner_documents, name="partner_documents"),
    path("me/documents/<int:version_id>/sign/", views.document_sign, name="document_sign"),
    path("me/signatures/<int:signature_id>/pdf/", views.signature_pdf, name="signature_pdf"),
    path("me/signatures/<int:signature_id>/revoke/", views.signature_revoke, name="signature_revoke"),
]
