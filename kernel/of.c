// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device-tree binding (dts/bindings/mbuff.yaml): a node compatible
 * with "mbuff,shared-memory" names, through memory-region phandles, its
 * pools (no-map reserved-memory nodes) and the regions its CMA areas come
 * from (reusable shared-dma-pool nodes), and may list areas to create at
 * probe as child nodes.  Built where CONFIG_OF_RESERVED_MEM is set.
 *
 * The reserved-memory lookup succeeds even for a region the kernel failed
 * to reserve (it overlapped something at boot): such a region is still
 * System RAM, and the pool checks refuse it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "compat.h"
#include "internal.h"

#define MBUFF_OF_MAX_AREAS	32

/**
 * struct mbuff_of - what one device node set up
 * @nr_areas: entries of @areas
 * @areas: the areas created from child nodes, each with a kernel count
 */
struct mbuff_of {
	unsigned int nr_areas;
	struct mbuff_area *areas[MBUFF_OF_MAX_AREAS];
};

/*
 * One memory-region entry: a no-map region becomes a pool, a reusable
 * shared-dma-pool region (a CMA area of its own) a source of CMA areas.
 */
static int mbuff_of_region(struct device *dev, int i)
{
	struct device_node *np = dev->of_node, *rnp;
	struct reserved_mem *rmem;
	bool nomap, reusable, pool;
	int ret;

	rnp = of_parse_phandle(np, "memory-region", i);
	if (!rnp)
		return -EINVAL;
	rmem = of_reserved_mem_lookup(rnp);
	nomap = of_property_read_bool(rnp, "no-map");
	reusable = of_property_read_bool(rnp, "reusable");
	pool = of_device_is_compatible(rnp, "shared-dma-pool");
	of_node_put(rnp);
	if (!rmem) {
		dev_err(dev, "memory-region %d is not a reserved-memory node\n", i);
		return -EINVAL;
	}
	if (reusable && !nomap) {
		if (!pool) {
			dev_err(dev, "reserved-memory %s is reusable: it needs compatible = \"shared-dma-pool\" to be a CMA area\n",
				rmem->name);
			return -EINVAL;
		}
		return mbuff_cma_add_region(dev, np, i, rmem->name, rmem->base,
					    rmem->size);
	}
	if (!nomap) {
		dev_err(dev, "reserved-memory %s needs no-map (a pool) or reusable (a CMA area); it stays in the linear map\n",
			rmem->name);
		return -EINVAL;
	}
	ret = mbuff_pool_add(rmem->base, rmem->size);
	if (ret) {
		/* The pool check logged why, e.g. a failed reservation. */
		dev_err(dev, "reserved-memory %s (%pa+%pa) refused\n",
			rmem->name, &rmem->base, &rmem->size);
	}
	return ret;
}

static int mbuff_of_pools(struct device *dev)
{
	int i, n, ret;

	n = of_count_phandle_with_args(dev->of_node, "memory-region", NULL);
	if (n <= 0) {
		dev_err(dev, "no memory-region: name at least one reserved-memory node\n");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		ret = mbuff_of_region(dev, i);
		if (ret)
			return ret;
	}
	return 0;
}

/* What an area of the device tree may be made of. */
#define MBUFF_OF_BACKENDS	(BIT(MBUFF_BACKEND_CONTIG) | \
				 BIT(MBUFF_BACKEND_CMA) | \
				 BIT(MBUFF_BACKEND_VMALLOC))

/*
 * The memory type and backend a child node names (canonical names or
 * their aliases, kernel/names.c); @args keeps its defaults for a property
 * that is absent.
 */
static int mbuff_of_kind(struct device *dev, struct device_node *child,
			 struct mbuff_open_args *args)
{
	const char *s;
	int v;

	if (!of_property_read_string(child, "mbuff,memtype", &s)) {
		v = mbuff_memtype_from_name(s);
		if (v < 0) {
			dev_err(dev, "%pOF: mbuff,memtype \"%s\": use cached, write-combined or uncached\n",
				child, s);
			return v;
		}
		args->memtype = v;
	}
	if (!of_property_read_string(child, "mbuff,backend", &s)) {
		v = mbuff_backend_from_name(s, MBUFF_OF_BACKENDS);
		if (v < 0) {
			dev_err(dev, "%pOF: mbuff,backend \"%s\": use contiguous, cma or vmalloc\n",
				child, s);
			return v;
		}
		args->backend = v;
	}
	return 0;
}

static int mbuff_of_area(struct device *dev, struct device_node *child,
			 struct mbuff_of *priv)
{
	struct mbuff_open_args args = {
		.backend = MBUFF_BACKEND_CONTIG,
		.flags = MBUFF_OPEN_CREATE | MBUFF_OPEN_EXCL,
		.kernel = true,
	};
	struct mbuff_area *area;
	u64 size;
	u32 align = 0;
	int ret;

	if (priv->nr_areas == MBUFF_OF_MAX_AREAS) {
		dev_err(dev, "more than %d areas\n", MBUFF_OF_MAX_AREAS);
		return -E2BIG;
	}
	if (of_property_read_string(child, "mbuff,name", &args.name) ||
	    of_property_read_u64(child, "mbuff,size", &size) || !size) {
		dev_err(dev, "%pOF: needs mbuff,name and a non-zero mbuff,size\n",
			child);
		return -EINVAL;
	}
	ret = mbuff_check_name(args.name);
	if (!ret)
		ret = mbuff_of_kind(dev, child, &args);
	if (ret)
		return ret;
	of_property_read_u32(child, "mbuff,align", &align);
	args.size = size;
	args.align = align;
	ret = mbuff_area_open(&args, BIT(MBUFF_REF_KERNEL), &area);
	if (ret) {
		dev_err(dev, "%pOF: cannot create area '%s' (%d)\n", child,
			args.name, ret);
		return ret;
	}
	priv->areas[priv->nr_areas++] = area;
	dev_info(dev, "area '%s': %zu KiB %s at %pa, %s\n", area->name,
		 area->size / SZ_1K, mbuff_backend_name(area->backend),
		 &area->phys, mbuff_memtype_name(area->memtype));
	return 0;
}

/* A devres action: runs when the device is unbound, or probe fails. */
static void mbuff_of_put_areas(void *data)
{
	struct mbuff_of *priv = data;

	/* Areas still used by others stay until their last user goes. */
	while (priv->nr_areas)
		mbuff_area_put_kernel(priv->areas[--priv->nr_areas], false);
}

static int mbuff_of_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *child;
	struct mbuff_of *priv;
	int ret;

	priv = devm_kzalloc(dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	ret = mbuff_of_pools(dev);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(dev, mbuff_of_put_areas, priv);
	if (ret)
		return ret;
	for_each_available_child_of_node(dev->of_node, child) {
		ret = mbuff_of_area(dev, child, priv);
		if (ret) {
			of_node_put(child);
			return ret;
		}
	}
	return 0;
}

static const struct of_device_id mbuff_of_match[] = {
	{ .compatible = "mbuff,shared-memory" },
	{ }
};

MBUFF_MODULE_DEVICE_TABLE(of, mbuff_of_match);

static struct platform_driver mbuff_of_driver = {
	.probe = mbuff_of_probe,
	.driver = {
		.name = "mbuff",
		.of_match_table = mbuff_of_match,
	},
};

int mbuff_of_init(void)
{
	return platform_driver_register(&mbuff_of_driver);
}

void mbuff_of_exit(void)
{
	platform_driver_unregister(&mbuff_of_driver);
}
