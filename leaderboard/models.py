# Score aggregates arrive with the leaderboard issue; the app exists so its
# migrations have a home from the first release.
