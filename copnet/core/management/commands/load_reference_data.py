from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from copnet.banks.self_reported import load_reference_bank
from copnet.dataprotection.register import load_register
from copnet.education.services import load_learning_content
from copnet.evaluations.services.criteria import load_criteria_sets
from copnet.network.services import load_provincial_units, load_reference_data
from copnet.routing.services import load_past_leads, load_provincial_rules
from copnet.takedowns.services import load_authorities, load_platforms
from copnet.taxonomy.guidance import load_guidance
from copnet.taxonomy.services import load_categories
from copnet.volunteers.reference import load_training_items


class Command(BaseCommand):
    help = "Load the reference data (idempotent; never overwrites what was edited since)."

    def handle(self, *args: Any, **options: Any) -> None:
        network = load_reference_data()
        units = load_provincial_units()  # the provincial bodies that routing rules reach
        courses = load_learning_content()  # before the categories, which link to courses
        categories = load_categories()
        guidance = load_guidance()  # after the categories and courses it names
        load_past_leads()  # the leads before a reorganisation, as dated routing rules
        provincial = load_provincial_rules()  # the unit of the case's province joins it
        criteria_sets = load_criteria_sets()
        platforms = load_platforms()
        load_authorities()  # after the network directory: authorities are its organisations
        training = load_training_items()
        load_reference_bank()  # the self-reported bank (reports' self-hash page)
        register = load_register()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Network directory (version {network.version}): {network.created} rows "
                f"created, {network.updated} moved to this version, {network.existing} "
                f"unchanged. Harm categories: {categories} created. "
                f"Platforms: {platforms} created."
            )
            self.stdout.write(
                f"Provincial units: {units.created} created; provincial routing rules: "
                f"{provincial} created."
            )
            self.stdout.write(f"Evaluation criteria sets: {criteria_sets} versions created.")
            self.stdout.write(f"Starter courses: {courses} created.")
            self.stdout.write(f"Advice for reporters: {guidance} created.")
            self.stdout.write(f"Volunteer training items: {training} created.")
            self.stdout.write(f"Records of processing and retention periods: {register} created.")
