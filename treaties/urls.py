app_name = "treaties"

urlpatterns = []
