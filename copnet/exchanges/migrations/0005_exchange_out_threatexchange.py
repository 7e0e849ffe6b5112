import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0004_exchange_out_fetch_owner"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exchange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("ncmec", "NCMEC hash sharing (v2, XML)"),
                    ("stopncii", "StopNCII (JSON)"),
                    ("threatexchange", "Meta ThreatExchange (Graph API)"),
                ],
                max_length=16,
                verbose_name="protocol",
            ),
        ),
        migrations.AddField(
            model_name="feedbackmessage",
            name="descriptors",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.CreateModel(
            name="Indicator",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("external_id", models.CharField(max_length=64, verbose_name="external id")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("pdq", "PDQ"),
                            ("md5", "MD5"),
                            ("vpdq", "vPDQ"),
                            ("url", "Address"),
                            ("text", "Text"),
                        ],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                ("indicator_type", models.CharField(max_length=32, verbose_name="partner's type")),
                ("value", models.TextField(verbose_name="value")),
                ("descriptors", models.JSONField(blank=True, default=list)),
                (
                    "classification",
                    models.CharField(blank=True, max_length=32, verbose_name="classification"),
                ),
                ("tags", models.JSONField(blank=True, default=list, verbose_name="tags")),
                (
                    "contributor",
                    models.CharField(blank=True, max_length=200, verbose_name="contributor"),
                ),
                ("first_seen", models.DateTimeField(verbose_name="first seen")),
                ("last_seen", models.DateTimeField(verbose_name="last seen")),
                (
                    "exchange",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="indicators",
                        to="exchanges.exchange",
                    ),
                ),
            ],
            options={
                "ordering": ["exchange", "external_id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("exchange", "external_id"), name="one_indicator_per_exchange"
                    )
                ],
            },
        ),
    ]
