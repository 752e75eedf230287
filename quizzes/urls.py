from django.urls import path

from quizzes.views import build, labs, review, take

urlpatterns = [
    path("", review.block_list, name="block_list"),
    path("new/", build.block_new, name="block_new"),
    path("labs/", labs.lab_values, name="lab_values"),
    path("new/counts/", build.block_new_counts, name="block_new_counts"),
    path("<int:block_id>/", take.block_resume, name="block_resume"),
    path("<int:block_id>/q/<int:position>/", take.item_detail, name="item_detail"),
    path("<int:block_id>/q/<int:position>/flag/", take.item_flag_toggle, name="item_flag"),
    path("<int:block_id>/q/<int:position>/marks/", take.item_marks, name="item_marks"),
    path("<int:block_id>/finish/", take.block_finish_view, name="block_finish"),
    path("<int:block_id>/suspend/", take.block_suspend_view, name="block_suspend"),
    path("<int:block_id>/unsuspend/", take.block_unsuspend_view, name="block_unsuspend"),
    path("<int:block_id>/rename/", take.block_rename_view, name="block_rename"),
    path("<int:block_id>/review/", review.block_review, name="block_review"),
    path("<int:block_id>/retake/", review.block_retake, name="block_retake"),
]
