"""load_knowledge_bite: completeness against the source document, idempotency, strict validation."""

from decimal import Decimal

import pytest
import yaml
from django.core.management.base import CommandError
from django.db import connection

from casestudies.models import CaseStudy, LearningPoint
from guidance.models import KeyFact, KnowledgeBite, PracticePoint, Resource, Section, Theme
from tests.factories import KnowledgeBiteFactory, ThemeFactory
from tests.guidance.content import BITE_SLUG, DATA_FILE, data, load

pytestmark = pytest.mark.django_db

MODELS = [KnowledgeBite, Section, Theme, PracticePoint, KeyFact, Resource, CaseStudy, LearningPoint]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def write(tmp_path, content) -> str:
    path = tmp_path / "bite.yaml"
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False))
    return str(path)


# --- Completeness -------------------------------------------------------------------------------


def test_it_loads_everything_in_the_data_file(loaded):
    source = data()
    bite_data = source["knowledge_bite"]
    bite = KnowledgeBite.objects.get(slug=BITE_SLUG)
    assert bite.status == KnowledgeBite.Status.PUBLISHED
    assert bite.source_published.isoformat() == "2021-05-14"
    assert "talents and resources of practitioners" in bite.foreword_quote
    assert "Annie Hudson" in bite.foreword_attribution
    assert bite.sections.count() == len(bite_data["sections"])
    assert bite.key_facts.count() == len(bite_data["key_facts"])
    assert PracticePoint.objects.count() == sum(len(t.get("practice_points") or []) for t in bite_data["themes"])
    resource_total = sum(len(t.get("resources") or []) for t in bite_data["themes"]) + len(bite_data["resources"])
    assert Resource.objects.count() == resource_total
    assert CaseStudy.objects.count() == len(source["case_studies"]) == 2
    assert LearningPoint.objects.count() == sum(len(c["learning_points"]) for c in source["case_studies"])


def test_it_loads_the_six_themes_in_the_panels_order(loaded):
    titles = list(Theme.objects.order_by("number").values_list("number", "title"))
    assert [number for number, _ in titles] == [1, 2, 3, 4, 5, 6]
    assert "daily life" in titles[0][1]
    assert "engagement" in titles[1][1]
    assert "Critical thinking" in titles[2][1]
    assert "changing risk" in titles[3][1]
    assert "Sharing information" in titles[4][1]
    assert "leadership" in titles[5][1].lower()


def test_every_theme_has_practice_points_and_key_messages(loaded):
    for theme in Theme.objects.all():
        assert theme.practice_points.exists(), theme
        assert theme.key_messages and theme.why_it_matters and theme.summary, theme


def test_it_covers_the_panel_covid_diversity_and_family_factors_sections(loaded):
    text = " ".join(Section.objects.values_list("body", flat=True))
    for phrase in [
        "Children and Social Work Act 2017",
        "Rapid Reviews",
        "Parental and family stressors".lower(),
        "resilience, creativity",
        "SUDI",
        "2011 census",
        "Asian",
        "home educated",
    ]:
        assert phrase.lower() in text.lower(), phrase


@pytest.mark.parametrize(
    ("value", "unit", "label_words"),
    [
        ("482", "incidents", "notified"),
        ("514", "children", "children"),
        ("206", "incidents", "deaths"),
        ("267", "incidents", "serious harm"),
        ("9", "incidents", "other"),
        ("42.6", "%", "domestic abuse"),
        ("24", "%", "substance misuse"),
        ("27", "%", "increase"),
        ("53", "%", "male"),
        ("46", "%", "female"),
        ("274", "children", "male"),
        ("238", "children", "female"),
        ("35", "%", "under one"),
        ("30", "%", "15 to 17"),
        ("69", "%", "white british"),
        ("20", "%", "suicide"),
        ("35", "%", "neglect"),
        ("15", "incidents", "home educated"),
        ("7", "incidents", "gender identity"),
        ("2", "children", "transgender"),
    ],
)
def test_it_loads_each_figure_in_the_source_with_its_unit_and_label(loaded, value, unit, label_words):
    facts = KeyFact.objects.filter(value=Decimal(value), unit=unit)
    assert any(label_words in fact.label.lower() for fact in facts), [str(f) for f in facts]


def test_the_domestic_abuse_figure_keeps_its_denominator(loaded):
    fact = KeyFact.objects.get(value=Decimal("42.6"))
    assert fact.display_value == "42.6%"
    assert "serious harm" in fact.label.lower() and "serious harm" in fact.note.lower()
    assert fact.theme.number == 4


def test_it_loads_the_five_non_engagement_questions(loaded):
    body = PracticePoint.objects.get(theme__number=2, key="non-engagement-questions").body
    for question in [
        "Is the family engaging with other agencies?",
        "Is there a specific worker with whom they have a good relationship who could",
        "Does this pattern indicate increased risk?",
        "Does it necessitate an expert assessment",
        "Do I need to speak to other professionals or make a safeguarding referral?",
    ]:
        assert question in " ".join(body.split()), question


def test_it_loads_resources_of_every_kind_marking_internal_and_coming_soon_items(loaded):
    kinds = set(Resource.objects.values_list("kind", flat=True))
    assert kinds == set(Resource.Kind.values)
    coming_soon = Resource.objects.filter(availability=Resource.Availability.COMING_SOON)
    assert coming_soon.count() == 3  # leaflets on disabilities, and two Knowledge Bites
    assert Resource.objects.filter(availability=Resource.Availability.INTERNAL).exists()
    # Nothing internal or coming soon is ever shown as a link.
    assert not any(r.is_link for r in Resource.objects.exclude(availability=Resource.Availability.AVAILABLE))
    services = set(Resource.objects.filter(kind=Resource.Kind.SERVICE).values_list("title", flat=True))
    assert {"National Psychology Service", "Peer Practice Specialists", "Cafcass Learning"} <= services
    assert any("Library" in title for title in services)
    further = Resource.objects.filter(kind=Resource.Kind.FURTHER_READING).values_list("title", flat=True)
    for words in ["Overview report", "Rapid Reviews", "COVID-19", "Assessing Risk of Harm", "Working Together"]:
        assert any(words in title for title in further), words


def test_every_resource_supports_at_least_one_theme(loaded):
    assert not Resource.objects.filter(themes=None).exists()


def test_it_loads_both_case_studies_with_their_learning(loaded):
    alice = CaseStudy.objects.get(slug="alice-and-beth")
    assert alice.partnership == "Warwickshire Safeguarding Partnership"
    assert alice.published.isoformat() == "2020-09-01"
    assert "Restraining Order" in alice.what_cafcass_knew
    assert "thinking the unthinkable" in " ".join(alice.learning_points.values_list("text", flat=True)).replace(
        "\n", " "
    )
    assert list(alice.themes.values_list("number", flat=True)) == [3]
    annie = CaseStudy.objects.get(slug="child-y-annie")
    assert "Wigan" in annie.partnership
    assert "fourteen months" in annie.what_happened
    assert annie.learning_points.exists()
    assert annie.sources.startswith("- [Serious Case Review - Child Y](https://www.wiganlscb.com/")


def test_the_sources_of_a_case_study_keep_file_names_as_written(loaded):
    alice = CaseStudy.objects.get(slug="alice-and-beth")
    assert r"Alice\_and\_Beth\_SCR\_-\_Report.pdf" in alice.sources


def test_it_fills_the_search_vectors_on_postgresql_only(loaded):
    theme = Theme.objects.get(number=4)
    if connection.vendor == "postgresql":
        assert theme.search_vector is not None
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%search_gin"])
            indexes = {row[0] for row in cursor.fetchall()}
        assert "guidance_theme_search_gin" in indexes
        assert "casestudies_learningpoint_search_gin" in indexes
    else:
        assert theme.search_vector is None


# --- Idempotency --------------------------------------------------------------------------------


def test_running_it_twice_changes_nothing(loaded):
    before = counts()
    output = load()
    assert counts() == before
    assert " 0 created, 0 updated" in output
    assert "created, 0 updated" in output and " 1 created" not in output


def test_it_reports_what_it_created(db):
    output = load()
    assert "Themes: 6 created, 0 updated, 0 unchanged" in output
    assert "Case studies: 2 created" in output


def test_an_editors_change_survives_a_rerun_without_update(loaded):
    point = PracticePoint.objects.get(theme__number=4, key="what-so-what-then-what")
    point.title = "Edited by an editor"
    point.save()
    output = load()
    point.refresh_from_db()
    assert point.title == "Edited by an editor"
    assert "Practice points: 0 created, 0 updated" in output
    assert "1 differ from the file and were kept" in output


def test_update_overwrites_an_editors_change(loaded):
    point = PracticePoint.objects.get(theme__number=4, key="what-so-what-then-what")
    point.title = "Edited by an editor"
    point.save()
    bite = KnowledgeBite.objects.get(slug=BITE_SLUG)
    bite.status = KnowledgeBite.Status.DRAFT
    bite.save()
    output = load("--update")
    point.refresh_from_db()
    bite.refresh_from_db()
    assert point.title != "Edited by an editor"
    assert bite.status == KnowledgeBite.Status.PUBLISHED
    assert "Practice points: 0 created, 1 updated" in output


def test_update_restores_the_themes_of_a_resource(loaded):
    resource = Resource.objects.get(slug="mermaids")
    resource.themes.clear()
    load()
    assert not resource.themes.exists()
    load("--update")
    assert list(resource.themes.values_list("number", flat=True)) == [3]


def test_it_recreates_a_deleted_row_and_keeps_rows_that_editors_added(loaded):
    PracticePoint.objects.filter(key="escalation").delete()
    theme = Theme.objects.get(number=3)
    added = PracticePoint.objects.create(theme=theme, key="added-by-editor", title="Added", body="Body")
    load("--update")
    assert PracticePoint.objects.filter(key="escalation").exists()
    assert PracticePoint.objects.filter(pk=added.pk).exists()


def test_it_loads_a_named_file(db, tmp_path):
    path = write(tmp_path, DATA_FILE.read_text())
    load("--file", path)
    assert KnowledgeBite.objects.filter(slug=BITE_SLUG).exists()


# --- Validation ---------------------------------------------------------------------------------


def mix_units(content: dict) -> None:
    """Give the second figure of a group a different unit from the first."""
    seen = set()
    for fact in content["knowledge_bite"]["key_facts"]:
        if fact["group"] in seen:
            fact["unit"] = "widgets"
            return
        seen.add(fact["group"])


def broken(change) -> dict:
    content = data()
    change(content)
    return content


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["knowledge_bite"].pop("title"), "knowledge_bite: missing title"),
        (lambda d: d["knowledge_bite"].update(colour="red"), "knowledge_bite: unknown field colour"),
        (lambda d: d["knowledge_bite"].update(status="live"), "knowledge_bite.status: 'live' is not one of"),
        (lambda d: d["knowledge_bite"].update(slug="search"), "address of another guidance page"),
        (lambda d: d["knowledge_bite"].update(review_due="soon"), "knowledge_bite.review_due: must be a date"),
        (
            lambda d: d["knowledge_bite"]["themes"][2]["practice_points"][0].pop("body"),
            ("knowledge_bite.themes[2] (slug ", ").practice_points[0] (key ", "): missing body"),
        ),
        (
            lambda d: d["knowledge_bite"]["themes"][0]["resources"][0].update(kind="podcast"),
            "'podcast' is not one of: elearning, knowledge_bite",
        ),
        (
            lambda d: d["knowledge_bite"]["resources"][0].update(availability="secret"),
            ("knowledge_bite.resources[0] (slug ", ").availability: 'secret' is not one of"),
        ),
        (lambda d: d["knowledge_bite"]["resources"][0].update(themes=[9]), "there is no theme 9"),
        (
            lambda d: d["knowledge_bite"]["resources"][1].update(slug=d["knowledge_bite"]["resources"][0]["slug"]),
            "used twice",
        ),
        (lambda d: d["knowledge_bite"]["resources"][0].update(url="not a url"), "is not a web address"),
        (
            lambda d: d["knowledge_bite"]["key_facts"][0].update(value="lots"),
            ("key_facts[0] (key ", "must be a number"),
        ),
        (lambda d: d["knowledge_bite"]["key_facts"][0].update(value=4.25), "at most one decimal place"),
        (lambda d: d["knowledge_bite"]["key_facts"][0].update(section="nowhere"), "there is no section nowhere"),
        (lambda d: d["knowledge_bite"]["key_facts"][0].update(theme=1), "give a section or a theme, not both"),
        (mix_units, "Figures charted together need one unit"),
        (lambda d: d["knowledge_bite"]["themes"][1].update(number=1), "theme number 1 is used twice"),
        (lambda d: d["knowledge_bite"]["themes"][0].update(title="x" * 201), "title is 201 characters long"),
        (lambda d: d["case_studies"][0]["learning_points"][0].update(theme=7), "there is no theme 7"),
        (
            lambda d: d["case_studies"][1].pop("partnership"),
            ("case_studies[1] (slug ", "): missing partnership"),
        ),
        (lambda d: d["case_studies"][0]["sources"][0].update(url="ftp://x"), "is not a web address"),
        (lambda d: d.update(extra=1), "the file: unknown field extra"),
    ],
)
def test_it_refuses_a_bad_entry_naming_it_and_writes_nothing(db, tmp_path, change, message):
    path = write(tmp_path, broken(change))
    with pytest.raises(CommandError) as error:
        load("--file", path)
    for fragment in (message,) if isinstance(message, str) else message:
        assert fragment in str(error.value)
    assert counts() == dict.fromkeys(counts(), 0)


def test_it_refuses_a_file_that_is_not_yaml(db, tmp_path):
    path = write(tmp_path, "knowledge_bite: [unclosed\n  - : :")
    with pytest.raises(CommandError, match="is not valid YAML"):
        load("--file", path)


def test_it_refuses_a_file_that_is_not_a_mapping(db, tmp_path):
    path = write(tmp_path, "- just\n- a list\n")
    with pytest.raises(CommandError, match="the file: must be a mapping"):
        load("--file", path)


def test_it_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        load("--file", str(tmp_path / "missing.yaml"))


def test_a_database_conflict_rolls_everything_back(db, tmp_path):
    # Another bite already uses the slug of the file's first theme.
    ThemeFactory(slug="childs-daily-life", knowledge_bite=KnowledgeBiteFactory(slug="other"))
    with pytest.raises(CommandError, match="Nothing was loaded"):
        load()
    assert not KnowledgeBite.objects.filter(slug=BITE_SLUG).exists()
    assert PracticePoint.objects.count() == 0
