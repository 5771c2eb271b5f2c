"""Load Knowledge Bites from the data files in guidance/data/, with the parts that other apps load.

Case studies are loaded by casestudies, which registers its part of the file
(guidance.loader.register_part), as apps only import downwards.
"""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from guidance.loader import ContentError, Tally, check_mapping, file_parts, load_bite, validate_bite

DATA_DIR = Path(settings.BASE_DIR) / "guidance" / "data"


class Command(BaseCommand):
    help = (
        "Load the Knowledge Bite data files (guidance/data/*.yaml): the bite, its sections, themes, practice "
        "points, key facts, resources and case studies. Idempotent: rows are matched by slug or key; existing "
        "rows are left as editors left them unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite existing rows with the file's content (editors' changes to them are lost).",
        )
        parser.add_argument(
            "--file",
            dest="path",
            help="Load this data file only (default: every .yaml file in guidance/data/).",
        )

    def handle(self, *args, update: bool = False, path: str | None = None, **options):
        paths = [Path(path)] if path else sorted(DATA_DIR.glob("*.yaml"))
        if not paths:
            raise CommandError(f"There are no data files in {DATA_DIR}.")
        documents = [(p, self.read(p)) for p in paths]
        tally = Tally()
        try:
            with transaction.atomic():
                for bite, parts in (document for _, document in documents):
                    loaded = load_bite(bite, update=update, tally=tally)
                    for part in file_parts():
                        part.load(parts[part.key], bite=loaded.bite, themes=loaded.themes, update=update, tally=tally)
        except DatabaseError as error:
            raise CommandError(f"Nothing was loaded: the database refused a row ({error}).") from error
        names = ", ".join(self.display(p) for p, _ in documents)
        self.stdout.write(f"Loaded {names}{' (--update)' if update else ''}:")
        for line in tally.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Done."))

    @staticmethod
    def display(path: Path) -> str:
        """A data file's path as a developer would type it."""
        try:
            return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
        except ValueError:
            return str(path)

    def read(self, path: Path) -> tuple[dict, dict]:
        """Parse and check one file completely before anything is written."""
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text: {error}.") from error
        except yaml.YAMLError as error:
            raise CommandError(f"{path} is not valid YAML: {error}") from error
        try:
            parts = file_parts()
            raw = check_mapping(raw, "the file", required={"knowledge_bite"}, optional={p.key for p in parts})
            bite = validate_bite(raw["knowledge_bite"])
            known_themes = {theme["number"] for theme in bite["themes"]}
            cleaned = {part.key: part.validate(raw.get(part.key), known_themes=known_themes) for part in parts}
        except ContentError as error:
            raise CommandError(f"{path}: {error}") from error
        return bite, cleaned
