from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from copnet.core.i18n import Bilingual, localised

from .choices import Audience, QuestionKind
from .markdown import render_markdown, video_embed_url


class Skill(models.Model):
    """One skill of the digital immunity framework (data: editors may add or reword skills)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    name = Bilingual()
    description = Bilingual()


class Course(models.Model):
    """A course for one audience: lessons to read, then a quiz. Only published courses are
    shown to learners."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    audience = models.CharField(_("for whom"), max_length=16, choices=Audience.choices)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    emoji = models.CharField(_("picture (emoji)"), max_length=8, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title

    title = Bilingual()
    summary = Bilingual()


class Lesson(models.Model):
    """A lesson: Markdown text (rendered to sanitised HTML), an optional picture and an optional
    video from an allowed host, mapped to the skills it teaches."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    body_vi = models.TextField(_("text (Vietnamese, Markdown)"))
    body_en = models.TextField(_("text (English, Markdown)"), blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    image = models.ImageField(_("picture"), upload_to="lessons/", blank=True)
    image_alt_vi = models.CharField(
        _("picture description (Vietnamese)"), max_length=200, blank=True
    )
    image_alt_en = models.CharField(_("picture description (English)"), max_length=200, blank=True)
    skills = models.ManyToManyField(Skill, related_name="lessons", verbose_name=_("skills"))

    class Meta:
        ordering = ["course", "order", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title

    title = Bilingual()

    @property
    def body_html(self) -> str:
        return render_markdown(localised(self.body_vi, self.body_en))

    image_alt = Bilingual()

    @property
    def video_embed(self) -> str | None:
        return video_embed_url(self.video_url)


class Quiz(models.Model):
    """A quiz of a course: a question bank from which `draw_count` questions are drawn at random
    for each attempt (0 = all), passed at `pass_percent`."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    pass_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), default=60)
    draw_count = models.PositiveSmallIntegerField(
        _("questions per attempt"), default=0, help_text=_("0 asks every question of the bank.")
    )

    class Meta:
        ordering = ["course", "pk"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_percent__gte=1, pass_percent__lte=100),
                name="quiz_pass_percent_range",
                violation_error_message=_("The pass mark must be between 1 and 100 %."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    title = Bilingual()


class Question(models.Model):
    """One question of a quiz's bank, testing one skill; answered by picking one choice."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="questions", verbose_name=_("skill")
    )
    prompt_vi = models.TextField(_("question (Vietnamese)"))
    prompt_en = models.TextField(_("question (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["quiz", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.prompt[:80]

    prompt = Bilingual()


class Choice(models.Model):
    """An answer to a question, with the feedback the learner sees after choosing it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text_vi = models.CharField(_("answer (Vietnamese)"), max_length=300)
    text_en = models.CharField(_("answer (English)"), max_length=300, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback_vi = models.TextField(_("feedback (Vietnamese)"), blank=True)
    feedback_en = models.TextField(_("feedback (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text

    text = Bilingual()
    feedback = Bilingual()


class Classroom(models.Model):
    """A teacher's class. Children join with its code and a made-up name; only the teacher who
    created it sees it."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="classrooms",
        verbose_name=_("teacher"),
    )
    name = models.CharField(_("class name"), max_length=80)
    code = models.CharField(_("class code"), max_length=12, unique=True)
    courses = models.ManyToManyField(Course, related_name="classrooms", verbose_name=_("courses"))
    is_open = models.BooleanField(_("open for joining"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.name


class Learner(models.Model):
    """A child in a class, known only by a pseudonym chosen on joining (no e-mail, no real
    name, no age). The browser session holds which learner it is."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="learners")
    pseudonym = models.CharField(_("made-up name"), max_length=30)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["pseudonym"]
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "pseudonym"],
                name="learner_pseudonym_unique_in_class",
                violation_error_message=_("Someone in this class already uses this name."),
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym


class LessonProgress(models.Model):
    """A class learner (or a signed-in adult) has read a lesson. Anonymous progress stays in the
    browser session and is never stored here."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.CASCADE, related_name="lessons_read"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "learner"], condition=Q(learner__isnull=False), name="lp_learner"
            ),
            models.UniqueConstraint(
                fields=["lesson", "user"], condition=Q(user__isnull=False), name="lp_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id}"


class Attempt(models.Model):
    """One go at a quiz. Started with the questions drawn for it; submitted once (a replayed
    submission is refused). Anonymous attempts carry no identity at all."""

    token = models.CharField(max_length=32, unique=True)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    question_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(default=0)
    max_score = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)
    skill_results = models.JSONField(default=dict)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")

    def __str__(self) -> str:
        return f"{self.quiz_id}:{self.token[:6]}"

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.max_score) if self.max_score else 0


class Completion(models.Model):
    """A course completed (every lesson read and the quiz passed), counted once per learner,
    user or browser session, and attributed to the campaign that brought the visitor, if any."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.CASCADE, related_name="completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="completions",
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "learner"], condition=Q(learner__isnull=False), name="cc_learner"
            ),
            models.UniqueConstraint(
                fields=["course", "user"], condition=Q(user__isnull=False), name="cc_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}@{self.completed_at:%Y-%m-%d}"
