from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_search_lookups_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="selfhashsubmission",
            name="share_consent_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="agreed to share abroad"
            ),
        ),
        migrations.AddField(
            model_name="selfhashsubmission",
            name="share_consent_wording",
            field=models.CharField(blank=True, max_length=40),
        ),
    ]
