"""URLs of the newsletter app, mounted at the site root by practice/urls.py."""

app_name = "newsletter"

urlpatterns = []
