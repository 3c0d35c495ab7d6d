from django.urls import path

from bawaba.interviews.staff.scoring import views

urlpatterns = [
    path("scoring/", views.sessions, name="scoring"),
    path("scoring/<int:pk>/", views.session, name="scoring_session"),
    path("scoring/<int:pk>/<int:convocation>/presence/", views.presence, name="presence"),
    path("scoring/<int:pk>/<int:convocation>/", views.score_page, name="score"),
    path("<slug:slug>/grid/", views.grid_page, name="grid"),
]
