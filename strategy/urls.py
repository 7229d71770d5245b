from django.urls import path

from strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.strategy_new, name="new"),
    path("public/", views.public_strategy, name="public"),
    path("public/you-said-we-did/", views.you_said_we_did, name="you-said"),
    path("spend/", views.spend_page, name="spend"),
    path("spend.<str:fmt>", views.spend_page, name="spend-download"),
    path("boards/", views.boards, name="boards"),
    path("boards/<int:board_id>/", views.board_page, name="board"),
    path("meetings/<int:meeting_id>/", views.meeting_page, name="meeting"),
    path("actions/<int:board_action_id>/", views.action_page, name="action"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<int:consultation_id>/", views.consultation_page, name="consultation"),
    path("commitments/<int:commitment_id>/", views.commitment_page, name="commitment"),
    path("commitments/<int:commitment_id>/measures/new/", views.measure_new, name="measure-new"),
    path("commitments/<int:commitment_id>/links/", views.commitment_links, name="commitment-links"),
    path("commitments/<int:commitment_id>/edit/", views.commitment_edit, name="commitment-edit"),
    path("commitments/<int:commitment_id>/withdraw/", views.commitment_withdraw, name="commitment-withdraw"),
    path("measures/<int:measure_id>/edit/", views.measure_edit, name="measure-edit"),
    path("measures/<int:measure_id>/withdraw/", views.measure_withdraw, name="measure-withdraw"),
    path("priorities/<int:priority_id>/commitments/new/", views.commitment_new, name="commitment-new"),
    path("<int:year>/", views.home, name="year"),
    path("<int:year>/priorities/new/", views.priority_new, name="priority-new"),
    path("<int:year>/progress.<str:fmt>", views.progress_download, name="progress-download"),
]
