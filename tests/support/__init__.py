"""What the template's tests share: baking, this machine, servers, browsers, mail.

- baking: the template's folder, its answers and hooks, and the one bake helper.
- machine: commands run with a clean environment, prerequisites, free ports.
- combinations: the answer sets the hook accepts and refuses.
- serving, smtp, database_servers, container_image, netns, browser: the servers,
  images, networks and browsers that tests start or reach.
- journeys: a user's steps through a baked project, run as data.
- pythons, initializr: the offered Pythons; the initializr's shared archive cache.
- project_checks, multihost_client: scripts that tests run in other processes.
"""
