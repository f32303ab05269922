from django.urls import path

from intake import views

urlpatterns = [
    path("documents/", views.document_admin_list, name="document_admin_list"),
    path("documents/<int:document_id>/", views.document_admin_detail, name="document_admin_detail"),
    path("documents/<int:document_id>/publish/", views.document_publish, name="document_publish"),
    path("me/documents/", views.partner_documents, name="partner_documents"),
    path("me/documents/<int:version_id>/sign/", views.document_sign, name="document_sign"),
    path("me/signatures/<int:signature_id>/pdf/", views.signature_pdf, name="signature_pdf"),
    path("me/signatures/<int:signature_id>/revoke/", views.signature_revoke, name="signature_revoke"),
]
