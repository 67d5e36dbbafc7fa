"""The ``pointcloud`` modality: lidar frames (PCD, KITTI .bin, PLY, .npy) with 3D cuboids.

See :mod:`.plugin` for the spec and the contract, :mod:`.schema` for the coordinate frame.
"""
