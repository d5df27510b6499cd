from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("projets/", views.project_list, name="list"),
    path("projets/nouveau/", views.project_create, name="create"),
    path("projets/<slug:slug>/", views.project_detail, name="project"),
    path("projets/<slug:slug>/modifier/", views.project_edit, name="edit"),
    path("projets/<slug:slug>/contreparties/", views.reward_add, name="reward_add"),
    path("projets/<slug:slug>/contreparties/<int:reward_id>/", views.reward_edit, name="reward_edit"),
    path("projets/<slug:slug>/contreparties/<int:reward_id>/retirer/", views.reward_remove, name="reward_remove"),
    path("projets/<slug:slug>/paliers/", views.stretch_goal_add, name="stretch_goal_add"),
    path("projets/<slug:slug>/besoins/", views.need_add, name="need_add"),
    path("projets/<slug:slug>/soumettre/", views.project_submit, name="submit"),
    path("projets/<slug:slug>/relecture/", views.project_review, name="review"),
    path("projets/<slug:slug>/contribuer/", views.contribute, name="contribute"),
    path("projets/<slug:slug>/suivre/", views.follow, name="follow"),
    path("projets/<slug:slug>/gerer/", views.manage, name="manage"),
    path("projets/<slug:slug>/contributeurs.csv", views.contributors_csv, name="contributors_csv"),
    path("projets/<slug:slug>/nouvelles/", views.post_update, name="post_update"),
    path("projets/<slug:slug>/contreparties-remises/", views.rewards_fulfilled, name="rewards_fulfilled"),
    path("projets/<slug:slug>/propositions/<int:offer_id>/", views.offer_status, name="offer_status"),
    path("projets/<slug:slug>/prets/<int:contribution_id>/remboursement/", views.loan_repayment,
         name="loan_repayment"),
    path("projets/<slug:slug>/besoins/<int:need_id>/proposer/", views.offer, name="offer"),
    path("projets/<slug:slug>/soutenir/", views.support, name="support"),
    path("contributions/", views.my_contributions, name="my_contributions"),
    path("contributions/<int:contribution_id>/annuler/", views.cancel, name="cancel"),
    path("t/<slug:territory>/moderation/projets/", views.review_queue, name="review_queue"),
    path("t/<slug:territory>/moderation/paiements/", views.offline_payments, name="offline_payments"),
    path("t/<slug:territory>/moderation/paiements/<int:contribution_id>/recu/", views.confirm_receipt,
         name="confirm_receipt"),
    path("t/<slug:territory>/appels/<slug:call>/", views.call_detail, name="call"),
    path("mecenat/", views.sponsor_dashboard, name="sponsor"),
    path("mecenat/fonds/", views.pool_create, name="pool_create"),
    path("mecenat/fonds/<int:pool_id>/abonder/", views.pool_top_up, name="pool_top_up"),
]
