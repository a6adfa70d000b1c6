"""URLs of the blog app, mounted at the site root by practice/urls.py."""

from django.urls import path

from blog import views

app_name = "blog"

urlpatterns = [
    path("search/", views.search, name="search"),
]
