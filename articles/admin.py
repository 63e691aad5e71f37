from django.contrib import admin

from langlearn.jobs.admin import JobAdmin

from .models import SummariseJob, TranslatedArticle
from .services import article_delete


@admin.register(SummariseJob)
class SummariseJobAdmin(JobAdmin):
    """The article jobs only; the generic "Jobs" page lists every kind."""

    list_filter = ["status", "error_code", "created_at"]


@admin.register(TranslatedArticle)
class TranslatedArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "language", "level", "known_word_coverage", "source_type", "created_at"]
    list_filter = ["language", "level", "source_type", "created_at"]
    search_fields = ["title", "user__email", "=id"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "pair", "job"]
    readonly_fields = ["job", "input_tokens", "output_tokens", "providers", "analysed_at", "created_at", "updated_at"]
    # The reader's token cache is derived data (hundreds of tokens): not for editing by hand.
    exclude = ["reader_tokens"]
    date_hierarchy = "created_at"

    def delete_model(self, request, obj):
        article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action must remove each article's audio too.
        for article in queryset:
            article_delete(article=article)
