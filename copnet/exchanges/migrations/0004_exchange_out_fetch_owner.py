from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0003_foreign_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="exchange",
            name="fetching_by",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
