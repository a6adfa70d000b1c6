"""The demo site: its content as data files here, built by `loader.demo_content_load` (`load_demo_content`)."""
