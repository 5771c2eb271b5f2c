"""Load checklist templates from the readable data file into the database.

A template version is identified by (slug, version). Loading is idempotent: a version whose
content already matches the file is left alone. A version that checklists already use is frozen,
so if the file differs from it the difference is reported and nothing is changed: the editor
must give the changes a new version number.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from casestudies.models import LearningPoint
from guidance.models import KeyFact, PracticePoint

from .models import ChecklistTemplate, Prompt, Question, Step
from .services import publish_template

DEFAULT_FILE = Path(settings.BASE_DIR) / "checklists" / "data" / "templates.yaml"
KINDS = set(Question.Kind.values)
STATUSES = {ChecklistTemplate.Status.DRAFT, ChecklistTemplate.Status.PUBLISHED}
MAX_POSITION = 32767  # PositiveSmallIntegerField


class TemplateFileError(Exception):
    """The file cannot be loaded as it stands. Nothing has been changed."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Outcome:
    slug: str
    version: int
    action: str  # created, updated, unchanged or frozen
    message: str

    @property
    def is_warning(self) -> bool:
        return self.action == "frozen"


class GuidanceIndex:
    """Resolves the file's guidance references, remembering what it has looked up."""

    def __init__(self):
        self.cache: dict[tuple[str, str], object] = {}

    def _one(self, kind: str, ref: str, queryset, errors: list[str], where: str):
        if (kind, ref) in self.cache:
            return self.cache[kind, ref]
        found = list(queryset[:2])
        if len(found) != 1:
            problem = "does not match anything" if not found else "matches more than one item"
            errors.append(f"{where}: {kind} '{ref}' {problem}. Load the Knowledge Bite first, or fix the reference.")
            return None
        self.cache[kind, ref] = found[0]
        return found[0]

    def practice_point(self, ref: str, errors: list[str], where: str) -> PracticePoint | None:
        number, _, key = str(ref).partition("/")
        if not number.isdigit() or not key:
            errors.append(f"{where}: practice point '{ref}' should look like '<theme number>/<key>'.")
            return None
        queryset = PracticePoint.objects.filter(theme__number=int(number), key=key).select_related("theme")
        return self._one("practice point", ref, queryset, errors, where)

    def key_fact(self, ref: str, errors: list[str], where: str) -> KeyFact | None:
        return self._one("key fact", ref, KeyFact.objects.filter(key=ref), errors, where)

    def learning_point(self, ref: str, errors: list[str], where: str) -> LearningPoint | None:
        slug, _, key = str(ref).partition("/")
        if not slug or not key:
            errors.append(f"{where}: learning point '{ref}' should look like '<case study slug>/<key>'.")
            return None
        queryset = LearningPoint.objects.filter(case_study__slug=slug, key=key).select_related("case_study")
        return self._one("learning point", ref, queryset, errors, where)


def read_file(path: Path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateFileError([f"There is no file at {path}."]) from None
    except yaml.YAMLError as error:
        raise TemplateFileError([f"{path} is not valid YAML: {error}"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("templates"), list):
        raise TemplateFileError([f"{path} must have a top-level 'templates:' list."])
    return data


def _text(value) -> str:
    return "" if value is None else str(value)


def normalise(raw: dict, errors: list[str], where: str) -> dict | None:
    """Check one template from the file and return it in the shape `describe` gives the database's."""
    if not isinstance(raw, dict):
        errors.append(f"{where}: each template must be a mapping.")
        return None
    missing = [field for field in ("slug", "version", "title", "steps") if not raw.get(field)]
    if missing:
        errors.append(f"{where}: missing {', '.join(missing)}.")
        return None
    if not isinstance(raw["version"], int) or raw["version"] < 1:
        errors.append(f"{where}: version must be a whole number from 1.")
        return None
    status = raw.get("status", ChecklistTemplate.Status.PUBLISHED)
    if status not in STATUSES:
        errors.append(f"{where}: status must be draft or published.")
    position = raw.get("position")
    if position is not None and (
        not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= MAX_POSITION
    ):
        errors.append(f"{where}: position must be a whole number from 0 to {MAX_POSITION}.")
    steps, question_keys, step_numbers = [], {}, set()
    for step in raw["steps"]:
        step_where = f"{where} step {step.get('number', '?') if isinstance(step, dict) else '?'}"
        if not isinstance(step, dict) or not isinstance(step.get("number"), int) or not step.get("title"):
            errors.append(f"{step_where}: each step needs a number and a title.")
            continue
        if step["number"] in step_numbers:
            errors.append(f"{step_where}: step numbers must be different.")
        step_numbers.add(step["number"])
        guidance = step.get("guidance") or {}
        questions = []
        for order, question in enumerate(step.get("questions") or []):
            question_where = f"{step_where} question '{question.get('key', '?')}'"
            normalised = _normalise_question(question, errors, question_where)
            if normalised is None:
                continue
            if normalised["key"] in question_keys:
                errors.append(f"{question_where}: question keys must be different within a template.")
            question_keys[normalised["key"]] = (step["number"], normalised)
            questions.append({**normalised, "order": order})
        steps.append(
            {
                "number": step["number"],
                "title": _text(step["title"]),
                "intro": _text(step.get("intro")),
                "practice_points": sorted(str(ref) for ref in guidance.get("practice_points") or []),
                "key_facts": sorted(str(ref) for ref in guidance.get("key_facts") or []),
                "learning_points": sorted(str(ref) for ref in guidance.get("learning_points") or []),
                "questions": questions,
            }
        )
    prompts = []
    for prompt in raw.get("prompts") or []:
        normalised = _normalise_prompt(prompt, question_keys, step_numbers, errors, f"{where} prompt")
        if normalised is not None:
            prompts.append(normalised)
    if len({prompt["key"] for prompt in prompts}) != len(prompts):
        errors.append(f"{where}: prompt keys must be different within a template.")
    return {
        "slug": str(raw["slug"]),
        "version": raw["version"],
        "status": status,
        "title": _text(raw["title"]),
        "summary": _text(raw.get("summary")),
        "position": position,
        "steps": sorted(steps, key=lambda step: step["number"]),
        "prompts": sorted(prompts, key=lambda prompt: prompt["key"]),
    }


def _normalise_question(raw, errors: list[str], where: str) -> dict | None:
    if not isinstance(raw, dict) or not raw.get("key") or not raw.get("text"):
        errors.append(f"{where}: each question needs a key and text.")
        return None
    kind = raw.get("kind", Question.Kind.LONG_TEXT)
    if kind not in KINDS:
        errors.append(f"{where}: kind '{kind}' is not one of {', '.join(sorted(KINDS))}.")
        return None
    choices = raw.get("choices") or []
    if kind in Question.CHOICE_KINDS:
        if not choices or not all(isinstance(c, dict) and c.get("value") and c.get("label") for c in choices):
            errors.append(f"{where}: choice questions need choices, each with a value and a label.")
            return None
        choices = [{"value": str(c["value"]), "label": str(c["label"])} for c in choices]
        if len({c["value"] for c in choices}) != len(choices):
            errors.append(f"{where}: each choice needs a different value.")
    elif choices:
        errors.append(f"{where}: only single and multiple choice questions have choices.")
    max_length = raw.get("max_length", 5000)
    if not isinstance(max_length, int) or max_length < 1:
        errors.append(f"{where}: max_length must be a whole number from 1.")
        max_length = 5000
    collects_actions = raw.get("collects_actions", False)
    if not isinstance(collects_actions, bool):
        errors.append(f"{where}: collects_actions must be true or false.")
        collects_actions = False
    return {
        "key": str(raw["key"]),
        "text": _text(raw["text"]),
        "help_text": _text(raw.get("help_text")),
        "kind": kind,
        "required": bool(raw.get("required", False)),
        "max_length": max_length,
        "choices": choices,
        "collects_actions": collects_actions,
    }


def _normalise_prompt(raw, question_keys: dict, step_numbers: set, errors: list[str], where: str) -> dict | None:
    if not isinstance(raw, dict) or not raw.get("key") or not raw.get("title") or not raw.get("body"):
        errors.append(f"{where}: each prompt needs a key, a title and a body.")
        return None
    where = f"{where} '{raw['key']}'"
    when = raw.get("when") or {}
    question_key = str(when.get("question", ""))
    any_of = [str(value) for value in when.get("any_of") or []]
    min_matches = when.get("min_matches", 1)
    show_on_step = raw.get("show_on_step")
    ok = True
    if show_on_step not in step_numbers:
        errors.append(f"{where}: show_on_step {show_on_step} is not a step of this template.")
        ok = False
    if question_key not in question_keys:
        errors.append(f"{where}: when.question '{question_key}' is not a question of this template.")
        ok = False
    if not any_of:
        errors.append(f"{where}: when.any_of must list at least one answer value.")
        ok = False
    if not isinstance(min_matches, int) or not 1 <= min_matches <= max(len(any_of), 1):
        errors.append(f"{where}: when.min_matches must be from 1 to the number of values in any_of.")
        ok = False
    if not ok:
        return None
    question_step, question = question_keys[question_key]
    options = Question.FIXED_OPTIONS.get(question["kind"], question["choices"])
    allowed = {option["value"] for option in options}
    if allowed and not set(any_of) <= allowed:
        unknown = ", ".join(sorted(set(any_of) - allowed))
        errors.append(f"{where}: {unknown} are not answers to '{question_key}'.")
    if question_step > show_on_step:
        errors.append(f"{where}: it must show on the step of '{question_key}' or a later one.")
    return {
        "key": str(raw["key"]),
        "show_on_step": show_on_step,
        "title": _text(raw["title"]),
        "body": _text(raw["body"]),
        "key_fact": str(raw["key_fact"]) if raw.get("key_fact") else None,
        "practice_point": str(raw["practice_point"]) if raw.get("practice_point") else None,
        "question": question_key,
        "any_of": any_of,
        "min_matches": min_matches,
    }


def _pp_ref(point: PracticePoint) -> str:
    return f"{point.theme.number}/{point.key}"


def describe(template: ChecklistTemplate) -> dict:
    """The database's version of a template, in the same shape as `normalise` gives the file's."""
    steps = template.steps.prefetch_related(
        "practice_points__theme", "key_facts", "learning_points__case_study", "questions"
    ).order_by("number")
    prompts = template.prompts.select_related("show_on_step", "question", "key_fact", "practice_point__theme")
    return {
        "slug": template.slug,
        "version": template.version,
        "title": template.title,
        "summary": template.summary,
        "steps": [
            {
                "number": step.number,
                "title": step.title,
                "intro": step.intro,
                "practice_points": sorted(_pp_ref(point) for point in step.practice_points.all()),
                "key_facts": sorted(fact.key for fact in step.key_facts.all()),
                "learning_points": sorted(f"{lp.case_study.slug}/{lp.key}" for lp in step.learning_points.all()),
                "questions": [
                    {
                        "key": question.key,
                        "text": question.text,
                        "help_text": question.help_text,
                        "kind": question.kind,
                        "required": question.required,
                        "max_length": question.max_length,
                        "choices": question.choices,
                        "collects_actions": question.collects_actions,
                        "order": question.order,
                    }
                    for question in sorted(step.questions.all(), key=lambda q: (q.order, q.pk))
                ],
            }
            for step in steps
        ],
        "prompts": sorted(
            (
                {
                    "key": prompt.key,
                    "show_on_step": prompt.show_on_step.number,
                    "title": prompt.title,
                    "body": prompt.body,
                    "key_fact": prompt.key_fact.key if prompt.key_fact else None,
                    "practice_point": _pp_ref(prompt.practice_point) if prompt.practice_point else None,
                    "question": prompt.question.key,
                    "any_of": list(prompt.any_of),
                    "min_matches": prompt.min_matches,
                }
                for prompt in prompts
            ),
            key=lambda prompt: prompt["key"],
        ),
    }


def _content(described: dict) -> dict:
    # Where a template comes in lists is not part of what its checklists answered.
    return {key: value for key, value in described.items() if key not in ("status", "position")}


def _check_guidance(spec: dict, index: GuidanceIndex, errors: list[str], where: str) -> None:
    for step in spec["steps"]:
        step_where = f"{where} step {step['number']}"
        for ref in step["practice_points"]:
            index.practice_point(ref, errors, step_where)
        for ref in step["key_facts"]:
            index.key_fact(ref, errors, step_where)
        for ref in step["learning_points"]:
            index.learning_point(ref, errors, step_where)
    for prompt in spec["prompts"]:
        prompt_where = f"{where} prompt '{prompt['key']}'"
        if prompt["key_fact"]:
            index.key_fact(prompt["key_fact"], errors, prompt_where)
        if prompt["practice_point"]:
            index.practice_point(prompt["practice_point"], errors, prompt_where)


def _build(template: ChecklistTemplate, spec: dict, index: GuidanceIndex) -> None:
    """Create the steps, questions and prompts of an empty template version from its spec."""
    steps, questions = {}, {}
    ignored: list[str] = []  # references were all checked before anything was written
    for step_spec in spec["steps"]:
        step = Step(template=template, number=step_spec["number"], title=step_spec["title"], intro=step_spec["intro"])
        _save(step, f"step {step.number}")
        step.practice_points.set([index.practice_point(ref, ignored, "") for ref in step_spec["practice_points"]])
        step.key_facts.set([index.key_fact(ref, ignored, "") for ref in step_spec["key_facts"]])
        step.learning_points.set([index.learning_point(ref, ignored, "") for ref in step_spec["learning_points"]])
        steps[step.number] = step
        for question_spec in step_spec["questions"]:
            question = Question(template=template, step=step, **question_spec)
            _save(question, f"question '{question.key}'")
            questions[question.key] = question
    for prompt_spec in spec["prompts"]:
        prompt = Prompt(
            template=template,
            key=prompt_spec["key"],
            show_on_step=steps[prompt_spec["show_on_step"]],
            title=prompt_spec["title"],
            body=prompt_spec["body"],
            key_fact=index.key_fact(prompt_spec["key_fact"], ignored, "") if prompt_spec["key_fact"] else None,
            practice_point=(
                index.practice_point(prompt_spec["practice_point"], ignored, "")
                if prompt_spec["practice_point"]
                else None
            ),
            question=questions[prompt_spec["question"]],
            any_of=prompt_spec["any_of"],
            min_matches=prompt_spec["min_matches"],
        )
        _save(prompt, f"prompt '{prompt.key}'")


def _save(instance, what: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        messages = [f"{field}: {'; '.join(problems)}" for field, problems in error.message_dict.items()]
        template = instance if isinstance(instance, ChecklistTemplate) else instance.template
        raise TemplateFileError([f"{template.slug} v{template.version} {what}: {' '.join(messages)}"]) from None
    instance.save()


def _publish(template: ChecklistTemplate) -> str:
    current = ChecklistTemplate.objects.filter(slug=template.slug, status=ChecklistTemplate.Status.PUBLISHED).first()
    if current and current.version > template.version:
        return f" as a draft, because version {current.version} is already published"
    retired = publish_template(template=template)
    return " and published it" + (f", retiring version {retired.version}" if retired else "")


@transaction.atomic
def load_templates(data: dict) -> list[Outcome]:
    """Check the whole file first, then load it; on any error, change nothing."""
    errors: list[str] = []
    specs = []
    for position, raw in enumerate(data["templates"], start=1):
        where = f"template {position}"
        if isinstance(raw, dict) and raw.get("slug"):
            where = f"{raw['slug']} v{raw.get('version', '?')}"
        spec = normalise(raw, errors, where)
        if spec is not None:
            specs.append(spec)
    seen = [(spec["slug"], spec["version"]) for spec in specs]
    for duplicate in {item for item in seen if seen.count(item) > 1}:
        errors.append(f"{duplicate[0]} v{duplicate[1]} appears more than once in the file.")
    index = GuidanceIndex()
    for spec in specs:
        _check_guidance(spec, index, errors, f"{spec['slug']} v{spec['version']}")
    if errors:
        raise TemplateFileError(errors)

    outcomes = []
    for spec in specs:
        outcomes.append(_load_one(spec, index))
    return outcomes


def _position(spec: dict) -> int:
    """The file's position, or else that of the checklist's latest version, as "Create the next version" does."""
    if spec["position"] is not None:
        return spec["position"]
    latest = ChecklistTemplate.objects.filter(slug=spec["slug"]).order_by("-version").first()
    return latest.position if latest else 0


def _load_one(spec: dict, index: GuidanceIndex) -> Outcome:
    slug, version = spec["slug"], spec["version"]
    name = f"{spec['title']} ({slug} version {version})"
    template = ChecklistTemplate.objects.filter(slug=slug, version=version).first()
    if template is None:
        template = ChecklistTemplate(
            slug=slug, version=version, title=spec["title"], summary=spec["summary"], position=_position(spec)
        )
        _save(template, "")
        _build(template, spec, index)
        published = _publish(template) if spec["status"] == ChecklistTemplate.Status.PUBLISHED else " as a draft"
        return Outcome(slug, version, "created", f"Created {name}{published}.")
    # The file's position places a version when it is made; after that the order editors set stands.
    if describe(template) == _content(spec):
        return Outcome(slug, version, "unchanged", f"Unchanged: {name}.")
    if template.is_frozen:
        return Outcome(
            slug,
            version,
            "frozen",
            f"Not changed: {name} is used by checklists, so it is frozen, but the file differs from it. "
            f"Give the changes a new version (version {version + 1}) in the file, or use "
            f"'Create the next version' in admin.",
        )
    # Not yet used by anyone, so it is safe to rebuild it from the file.
    template.title, template.summary = spec["title"], spec["summary"]
    _save(template, "")
    template.prompts.all().delete()
    template.questions.all().delete()
    template.steps.all().delete()
    _build(template, spec, index)
    # A draft (made in admin, say) that the file gives as published is published, as a new one would be.
    published = ""
    if spec["status"] == ChecklistTemplate.Status.PUBLISHED and template.status == ChecklistTemplate.Status.DRAFT:
        published = _publish(template)
    return Outcome(slug, version, "updated", f"Updated {name} to match the file{published}.")
