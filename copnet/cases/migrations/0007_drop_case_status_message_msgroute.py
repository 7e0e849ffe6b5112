from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_move_case_messages_msgroute")]

    operations = [migrations.RemoveField(model_name="case", name="status_message")]
