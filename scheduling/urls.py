"""URLs of the scheduling app, mounted at the site root by practice/urls.py."""

app_name = "scheduling"

urlpatterns = []
