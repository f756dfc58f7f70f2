// Tests that train networks share libtorch's thread pool and the machine's two cores: run them one at a time.
[assembly: DoNotParallelize]
