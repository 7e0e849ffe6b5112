import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0005_exchange_out_threatexchange"),
        ("reports", "0006_exchange_out_share_consent"),
    ]

    operations = [
        migrations.AddField(
            model_name="exchange",
            name="accepts_submissions",
            field=models.BooleanField(
                default=False,
                verbose_name="receives young people's fingerprints (with their consent)",
            ),
        ),
        migrations.CreateModel(
            name="HashSubmission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("values", models.JSONField(default=list)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("sent", "Sent"),
                            ("failed", "Failed, will be retried"),
                            ("gave_up", "Given up"),
                            ("cancelled", "Withdrawn before it was sent"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "exchange",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submissions",
                        to="exchanges.exchange",
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reports.selfhashsubmission",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("exchange", "submission"),
                        name="one_hash_submission_per_exchange",
                    )
                ],
            },
        ),
    ]
