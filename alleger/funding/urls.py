from django.urls import include, path

from . import views

app_name = "funding"
# Grouped by their first segment, so that a path of another app is told apart in four tests, not thirty.
projects = [
    path("", views.project_list, name="list"),
    path("nouveau/", views.project_create, name="create"),
    path("<slug:slug>/", views.project_detail, name="project"),
    path("<slug:slug>/modifier/", views.project_edit, name="edit"),
    path("<slug:slug>/lieu/", views.project_place, name="place"),
    path("<slug:slug>/contreparties/", views.reward_add, name="reward_add"),
    path("<slug:slug>/contreparties/<int:reward_id>/", views.reward_edit, name="reward_edit"),
    path("<slug:slug>/contreparties/<int:reward_id>/retirer/", views.reward_remove, name="reward_remove"),
    path("<slug:slug>/paliers/", views.stretch_goal_add, name="stretch_goal_add"),
    path("<slug:slug>/besoins/", views.need_add, name="need_add"),
    path("<slug:slug>/soumettre/", views.project_submit, name="submit"),
    path("<slug:slug>/relecture/", views.project_review, name="review"),
    path("<slug:slug>/contribuer/", views.contribute, name="contribute"),
    path("<slug:slug>/suivre/", views.follow, name="follow"),
    path("<slug:slug>/nouvelles/arreter/<str:token>/", views.news_stop, name="news_stop"),
    path("<slug:slug>/gerer/", views.manage, name="manage"),
    path("<slug:slug>/contributeurs.csv", views.contributors_csv, name="contributors_csv"),
    path("<slug:slug>/nouvelles/", views.post_update, name="post_update"),
    path("<slug:slug>/contreparties-remises/", views.rewards_fulfilled, name="rewards_fulfilled"),
    path("<slug:slug>/propositions/<int:offer_id>/", views.offer_status, name="offer_status"),
    path("<slug:slug>/prets/<int:contribution_id>/remboursement/", views.loan_repayment,
         name="loan_repayment"),
    path("<slug:slug>/besoins/<int:need_id>/proposer/", views.offer, name="offer"),
    path("<slug:slug>/besoins/<int:need_id>/proposer-une-ressource/", views.offer_resource,
         name="offer_resource"),
    path("<slug:slug>/soutenir/", views.support, name="support"),
]
contributions = [
    path("", views.my_contributions, name="my_contributions"),
    path("<int:contribution_id>/annuler/", views.cancel, name="cancel"),
]
territory = [
    path("moderation/projets/", views.review_queue, name="review_queue"),
    path("moderation/paiements/", views.offline_payments, name="offline_payments"),
    path("moderation/paiements/<int:contribution_id>/recu/", views.confirm_receipt,
         name="confirm_receipt"),
    path("moderation/paiements/<int:contribution_id>/rendu/", views.confirm_returned, name="confirm_returned"),
    path("appels/<slug:call>/", views.call_detail, name="call"),
]
sponsors = [
    path("", views.sponsor_dashboard, name="sponsor"),
    path("fonds/", views.pool_create, name="pool_create"),
    path("fonds/<int:pool_id>/abonder/", views.pool_top_up, name="pool_top_up"),
    path("fonds/<int:pool_id>/abondements.csv", views.pool_matches_csv, name="pool_matches_csv"),
]
urlpatterns = [
    path("projets/", include(projects)),
    path("contributions/", include(contributions)),
    path("t/<slug:territory>/", include(territory)),
    path("mecenat/", include(sponsors)),
]
