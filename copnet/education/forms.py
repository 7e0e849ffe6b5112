from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .markdown import video_embed_url
from .models import Course, Lesson, Question, Quiz, Skill
from .services import MAX_IMAGE_BYTES, ChoiceInput

MAX_MARKDOWN = 20_000


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "code", "audience", "title_vi", "title_en", "summary_vi", "summary_en", "emoji",
            "order",
        ]  # fmt: skip


class LessonForm(forms.ModelForm):
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(), widget=forms.CheckboxSelectMultiple, label=_("Skills")
    )
    video_url = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", max_length=200
    )
    picture = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=_("PNG, JPEG or WebP, 2 MB at most."),
    )

    class Meta:
        model = Lesson
        fields = [
            "title_vi", "title_en", "order", "body_vi", "body_en", "video_url",
            "image_alt_vi", "image_alt_en",
        ]  # fmt: skip
        widgets = {
            "body_vi": forms.Textarea(attrs={"rows": 14}),
            "body_en": forms.Textarea(attrs={"rows": 14}),
        }

    def clean_body_vi(self) -> str:
        return _check_length(self.cleaned_data["body_vi"])

    def clean_body_en(self) -> str:
        return _check_length(self.cleaned_data["body_en"])

    def clean_video_url(self) -> str:
        url = self.cleaned_data["video_url"]
        if url and video_embed_url(url) is None:
            raise forms.ValidationError(_("Only YouTube and Vimeo video links can be embedded."))
        return url

    def clean_picture(self) -> Any:
        picture = self.cleaned_data.get("picture")
        if picture and picture.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(_("The picture is too large (2 MB at most)."))
        return picture


def _check_length(text: str) -> str:
    if len(text) > MAX_MARKDOWN:
        raise forms.ValidationError(
            _("The text is too long (%(max)d characters at most).") % {"max": MAX_MARKDOWN}
        )
    return text


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = ["title_vi", "title_en", "pass_percent", "draw_count"]


CHOICE_ROWS = 4


class QuestionForm(forms.ModelForm):
    """A question with up to four answers; the editor marks which one is correct."""

    correct = forms.TypedChoiceField(
        label=_("Correct answer"),
        choices=[(str(i), str(i + 1)) for i in range(CHOICE_ROWS)],
        coerce=int,
    )

    class Meta:
        model = Question
        fields = ["kind", "skill", "prompt_vi", "prompt_en", "order"]
        widgets = {
            "prompt_vi": forms.Textarea(attrs={"rows": 3}),
            "prompt_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing = list(self.instance.choices.all()) if self.instance.pk else []
        for i in range(CHOICE_ROWS):
            old = existing[i] if i < len(existing) else None
            number = {"n": i + 1}
            self.fields[f"text_vi_{i}"] = forms.CharField(
                label=_("Answer %(n)d (Vietnamese)") % number, required=False, max_length=300,
                initial=old.text_vi if old else "",
            )  # fmt: skip
            self.fields[f"text_en_{i}"] = forms.CharField(
                label=_("Answer %(n)d (English)") % number, required=False, max_length=300,
                initial=old.text_en if old else "",
            )  # fmt: skip
            self.fields[f"feedback_vi_{i}"] = forms.CharField(
                label=_("Feedback %(n)d (Vietnamese)") % number, required=False,
                initial=old.feedback_vi if old else "",
            )  # fmt: skip
            self.fields[f"feedback_en_{i}"] = forms.CharField(
                label=_("Feedback %(n)d (English)") % number, required=False,
                initial=old.feedback_en if old else "",
            )  # fmt: skip
            if old and old.is_correct:
                self.fields["correct"].initial = str(i)
        # The correct-answer picker goes last, after the answers it refers to.
        self.order_fields(
            [
                *self.Meta.fields,
                *[f for f in self.fields if "_" in f and f[-1].isdigit()],
                "correct",
            ]
        )

    def choice_inputs(self) -> list[ChoiceInput]:
        data = self.cleaned_data
        return [
            ChoiceInput(
                text_vi=data[f"text_vi_{i}"].strip(),
                text_en=data[f"text_en_{i}"].strip(),
                is_correct=data["correct"] == i,
                feedback_vi=data[f"feedback_vi_{i}"].strip(),
                feedback_en=data[f"feedback_en_{i}"].strip(),
            )
            for i in range(CHOICE_ROWS)
            if data[f"text_vi_{i}"].strip() or data["correct"] == i
        ]


class JoinClassForm(forms.Form):
    code = forms.CharField(label=_("Class code"), max_length=20)
    pseudonym = forms.CharField(
        label=_("Your made-up name"),
        max_length=30,
        help_text=_("Not your real name! For example: Blue Cat, Lightning 7."),
    )


class ClassroomForm(forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=80)
    courses = forms.ModelMultipleChoiceField(
        queryset=Course.objects.filter(is_published=True),
        widget=forms.CheckboxSelectMultiple,
        label=_("Courses"),
    )
