"""URLs of the newsletter app, mounted at the site root by practice/urls.py. Tokens take one whole path segment,
so the access-log format can mask them."""

from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.index, name="index"),
    path("newsletter/subscribe/", views.subscribe, name="subscribe"),
    path("newsletter/check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
