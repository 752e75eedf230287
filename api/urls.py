"""/api/v1/: the JSON API (docs/API.md). Every operation is also in the OpenAPI schema at /api/v1/schema/."""

from django.urls import path, re_path

from api.views import accounts, blocks, docs, items, progress
from api.views.errors import not_found

ITEM = "blocks/<int:block_id>/items/<int:position>/"

urlpatterns = [
    path("auth/token/", accounts.TokenView.as_view(), name="api_token"),
    path("auth/devices/", accounts.DeviceListView.as_view(), name="api_devices"),
    path("auth/devices/<int:token_id>/", accounts.DeviceView.as_view(), name="api_device"),
    path("me/", accounts.MeView.as_view(), name="api_me"),
    path("me/settings/", accounts.SettingsView.as_view(), name="api_settings"),
    path("cohorts/", accounts.CohortListView.as_view(), name="api_cohorts"),
    path("bank/", blocks.BankView.as_view(), name="api_bank"),
    path("blocks/", blocks.BlockListView.as_view(), name="api_blocks"),
    path("blocks/<int:block_id>/", blocks.BlockView.as_view(), name="api_block"),
    path("blocks/<int:block_id>/finish/", blocks.BlockFinishView.as_view(), name="api_block_finish"),
    path("blocks/<int:block_id>/suspend/", blocks.BlockSuspendView.as_view(), name="api_block_suspend"),
    path("blocks/<int:block_id>/resume/", blocks.BlockResumeView.as_view(), name="api_block_resume"),
    path("blocks/<int:block_id>/retake/", blocks.BlockRetakeView.as_view(), name="api_block_retake"),
    path("blocks/<int:block_id>/review/", blocks.BlockReviewView.as_view(), name="api_block_review"),
    path(ITEM, items.ItemDetailView.as_view(), name="api_item"),
    path(ITEM + "answer/", items.AnswerView.as_view(), name="api_item_answer"),
    path(ITEM + "flag/", items.FlagView.as_view(), name="api_item_flag"),
    path(ITEM + "marks/", items.MarksView.as_view(), name="api_item_marks"),
    path(ITEM + "note/", items.NoteView.as_view(), name="api_item_note"),
    path(ITEM + "report/", items.ReportCreateView.as_view(), name="api_item_report"),
    path("reports/", items.ReportListView.as_view(), name="api_reports"),
    path("stats/", progress.StatsView.as_view(), name="api_stats"),
    path("leaderboards/<str:board>/", progress.BoardView.as_view(), name="api_board"),
    path("leaderboards/<str:board>/me/", progress.MyRankView.as_view(), name="api_board_me"),
    path("schema/", docs.SchemaView.as_view(), name="api_schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("redoc/", docs.RedocView.as_view(url_name="api_schema"), name="api_redoc"),
    # Anything else under /api/v1/ is a JSON 404, not the site's HTML page.
    re_path(r"^[\s\S]*$", not_found),  # [\s\S], not ".": a path with an encoded newline too
]
