from django.contrib import admin

from .models import Course, Skill


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "order"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "audience", "title_vi", "is_published"]
    list_filter = ["audience", "is_published"]
