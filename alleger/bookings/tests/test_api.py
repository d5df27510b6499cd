"""The bookings API: open data of spare capacity, booking with the same refusals as the pages."""

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def tomorrow(hour):
    """Three days on: past the room's 24-hour cancellation deadline."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(hour)))


def test_spare_capacity_as_json_and_geojson(client, room, workshop):
    data = client.get(f"/api/v1/bookings/free-slots?place={room.place.pk}&days=2").json()
    assert {r["name"] for r in data} == {room.name, workshop.name} and all(r["slots"] for r in data)
    geo = client.get("/api/v1/bookings/free-slots.geojson?days=2").json()
    assert geo["type"] == "FeatureCollection"
    assert geo["features"][0]["geometry"]["coordinates"] == [room.place.lon, room.place.lat]
    assert client.get("/api/v1/bookings/resources").json()[0]["place_name"] == room.place.name


def test_book_then_the_same_slot_is_a_json_refusal(client_of, room, laser, resident, other_resident):
    body = {"resource": room.pk, "start": tomorrow(10).isoformat(), "end": tomorrow(11).isoformat()}
    response = client_of(resident).post("/api/v1/bookings", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    booking_id = response.json()["id"]
    other = client_of(other_resident)
    response = other.post("/api/v1/bookings", body, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "slot_taken"
    response = other.post("/api/v1/bookings", {**body, "resource": laser.pk}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "training_required"
    response = other.post("/api/v1/bookings/waitlist", body, content_type="application/json")
    assert response.status_code == 201
    me = client_of(resident)
    assert me.post(f"/api/v1/bookings/{booking_id}/cancel").json()["status"] == "cancelled"
    other = client_of(other_resident)  # one test client: logged in as her again
    held = other.get("/api/v1/bookings/mine").json()
    assert [b["status"] for b in held] == ["held"]
    assert other.post(f"/api/v1/bookings/{held[0]['id']}/claim").json()["status"] == "confirmed"


def test_a_visitor_must_log_in_to_book(client, room):
    body = {"resource": room.pk, "start": tomorrow(10).isoformat(), "end": tomorrow(11).isoformat()}
    assert client.post("/api/v1/bookings", body, content_type="application/json").status_code == 401
