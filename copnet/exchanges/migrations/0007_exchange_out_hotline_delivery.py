import copnet.core.crypto
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0006_exchange_out_submissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="foreignreport",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued for the hotline"),
                    ("sent", "Sent to the hotline"),
                    ("acknowledged", "Acknowledged by the hotline"),
                    ("removed", "Content removed"),
                    ("gave_up", "Delivery given up"),
                ],
                default="queued",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="foreignreport",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="foreignreport",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="foreignreport",
            name="last_error",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="foreignreport",
            name="hotline_ref",
            field=models.CharField(
                blank=True, max_length=100, verbose_name="hotline's reference"
            ),
        ),
        migrations.AddField(
            model_name="foreignreport",
            name="checked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="status last asked"),
        ),
        migrations.CreateModel(
            name="HotlineEndpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=32, unique=True, verbose_name="hotline")),
                ("endpoint", models.URLField(max_length=500, verbose_name="endpoint")),
                (
                    "credentials",
                    copnet.core.crypto.EncryptedJSONField(
                        blank=True, default=dict, verbose_name="credentials"
                    ),
                ),
                ("legal_ground", models.CharField(max_length=300, verbose_name="legal ground")),
                (
                    "transfer_assessment_ref",
                    models.CharField(
                        max_length=100, verbose_name="cross-border transfer assessment reference"
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "hotline endpoint",
                "verbose_name_plural": "hotline endpoints",
                "ordering": ["code"],
            },
        ),
    ]
