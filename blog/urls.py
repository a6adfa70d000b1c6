"""URLs of the blog app, mounted at the site root by practice/urls.py."""

app_name = "blog"

urlpatterns = []
