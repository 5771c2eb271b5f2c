from django import forms

from config.forms import Checkboxes

from .models import Resource
from .search import MAX_QUERY_LENGTH


class ResourceFilterForm(forms.Form):
    """GET filters for the resources library. Unknown values are errors, not silently dropped."""

    theme = forms.MultipleChoiceField(
        required=False, widget=Checkboxes, error_messages={"invalid_choice": "Select a theme from the list"}
    )
    kind = forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        choices=Resource.Kind.choices,
        error_messages={"invalid_choice": "Select a type of resource from the list"},
    )
    availability = forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        choices=[
            (Resource.Availability.AVAILABLE, "Available to everyone"),
            (Resource.Availability.INTERNAL, "Cafcass intranet only"),
            (Resource.Availability.COMING_SOON, "Coming soon"),
        ],
        error_messages={"invalid_choice": "Select an availability from the list"},
    )

    def __init__(self, *args, themes, **kwargs):
        # Each filter's first checkbox is filter-<name>-1 (_resource_list_content.html): error links go there.
        super().__init__(*args, auto_id="filter-%s-1", **kwargs)
        self.themes = list(themes)
        several_bites = len({theme.knowledge_bite_id for theme in self.themes}) > 1
        self.fields["theme"].choices = [
            (theme.slug, f"{theme.number}. {theme.title}" + (f" ({theme.knowledge_bite})" if several_bites else ""))
            for theme in self.themes
        ]


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Search for {MAX_QUERY_LENGTH} characters or fewer"},
    )
    # Sent as a hidden input, so its errors link to the search box.
    type = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose a type of result from the list"},
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, auto_id="search-%s", **kwargs)
        self.fields["type"].choices = [("", "All")] + [(source.key, source.label) for source in sources]
