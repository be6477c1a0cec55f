"""The official wandb client's image and histogram cost on the same arrays as CohortBench's `media`.

    wandb_media_bench.py --dir DIR [--repeat N]

Images: `run.log({"img": wandb.Image(pixels)})` per image in an offline run (Pillow encodes the PNG,
wandb hashes it and moves it into the run); MB/s of raw pixels. Histograms: `wandb.Histogram(array)`
over 1,000,000 float64 values, 64 bins (numpy); values/s. Medians of --repeat measurements. Prints
one JSON object.
"""
import argparse
import json
import os
import statistics
import time

import numpy
import wandb

IMAGE_SIZES = [(64, 64, 200), (256, 256, 40), (1024, 1024, 6)]
HISTOGRAM_VALUES = 1_000_000


def rgb_pixels(height, width):
    index = numpy.arange(height * width * 3, dtype=numpy.int64)
    channel = index % 3
    x = (index // 3) % width
    y = index // (3 * width)
    return ((x + 2 * y + 60 * channel + (index * 7919) % 17) % 256).astype(numpy.uint8).reshape(height, width, 3)


def histogram_data(count):
    index = numpy.arange(count, dtype=numpy.int64)
    return 3 * numpy.sin(0.001 * index.astype(numpy.float64)) + ((index * 7919) % 1000) / 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    os.makedirs(options.dir, exist_ok=True)
    os.environ.update({"WANDB_MODE": "offline", "WANDB_SILENT": "true", "WANDB_DIR": options.dir})
    run = wandb.init(project="cohort-bench", config={"lr": 0.001, "batch_size": 64, "optimizer": "adam"})
    images = {}
    for height, width, count in IMAGE_SIZES:
        pixels = rgb_pixels(height, width)
        run.log({"warmup": wandb.Image(pixels)})
        rates = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            for _ in range(count):
                run.log({"img": wandb.Image(pixels)})
            rates.append(pixels.size * count / (time.perf_counter() - start) / 1e6)
        images[f"{height}x{width}x3"] = {"mb_per_s": statistics.median(rates), "images": count}
    run.finish()

    values = histogram_data(HISTOGRAM_VALUES)
    wandb.Histogram(values)
    rates = []
    for _ in range(max(options.repeat, 3)):
        start = time.perf_counter()
        histogram = wandb.Histogram(values)
        rates.append(len(values) / (time.perf_counter() - start))
        assert sum(histogram.histogram) == len(values)
    print(json.dumps({"client": "wandb", "version": wandb.__version__, "media": {
        "images": images,
        "histogram": {"values_per_s": statistics.median(rates), "values": HISTOGRAM_VALUES, "bins": 64},
    }}))


if __name__ == "__main__":
    main()
