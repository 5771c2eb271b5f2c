from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from checklists.loader import DEFAULT_FILE, TemplateFileError, load_templates, read_file


class Command(BaseCommand):
    help = (
        "Load the reflective checklist templates from a YAML file. Idempotent; never changes a version "
        "that checklists already use. Run it after load_knowledge_bite, whose guidance it links to."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help=f"Defaults to {DEFAULT_FILE}.")

    def handle(self, *args, file: Path, **options):
        try:
            outcomes = load_templates(read_file(file))
        except TemplateFileError as error:
            problems = "\n".join(f"  - {problem}" for problem in error.errors)
            raise CommandError(f"Nothing was loaded from {file}:\n{problems}") from None
        for outcome in outcomes:
            if outcome.is_warning:
                self.stderr.write(self.style.WARNING(outcome.message))
            else:
                self.stdout.write(outcome.message)
        counts = {action: sum(o.action == action for o in outcomes) for action in ("created", "updated", "unchanged")}
        frozen = sum(o.is_warning for o in outcomes)
        summary = ", ".join(f"{count} {action}" for action, count in counts.items())
        if frozen:
            summary += f", {frozen} frozen and different from the file (see above)"
        self.stdout.write(self.style.SUCCESS(f"Checklist templates: {summary}."))
