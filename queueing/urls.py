from django.urls import path

from queueing import views

urlpatterns = [
    path("office/queue/", views.queue_desk, name="queue_desk"),
    path("board/<slug:code>/", views.queue_board, name="queue_board"),
]
