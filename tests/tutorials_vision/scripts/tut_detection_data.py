"""TorchVision Object Detection Finetuning Tutorial (intermediate/torchvision_tutorial.py, the
PIL/NumPy version with the ``references/detection`` helpers), its data handling.

Changes, marked [test]: the generated ``data/PennFudanPed`` (4 images); the helpers the
tutorial copies from ``references/detection`` (``transforms.py``'s Compose /
RandomHorizontalFlip / ToTensor and ``utils.collate_fn``) written inline; the split keeps 1
test image instead of 50; the Mask R-CNN model is left out (ember has no
``torchvision.models.detection``): the loaders' batches are checked instead.
"""
import os
import random  # [test] (references/detection/transforms.py)
import numpy as np
import torch
from PIL import Image
from torchvision.transforms import functional as F  # [test] (transforms.py)


class PennFudanDataset(object):
    def __init__(self, root, transforms):
        self.root = root
        self.transforms = transforms
        # load all image files, sorting them to
        # ensure that they are aligned
        self.imgs = list(sorted(os.listdir(os.path.join(root, "PNGImages"))))
        self.masks = list(sorted(os.listdir(os.path.join(root, "PedMasks"))))

    def __getitem__(self, idx):
        # load images and masks
        img_path = os.path.join(self.root, "PNGImages", self.imgs[idx])
        mask_path = os.path.join(self.root, "PedMasks", self.masks[idx])
        img = Image.open(img_path).convert("RGB")
        # note that we haven't converted the mask to RGB,
        # because each color corresponds to a different instance
        # with 0 being background
        mask = Image.open(mask_path)
        # convert the PIL Image into a numpy array
        mask = np.array(mask)
        # instances are encoded as different colors
        obj_ids = np.unique(mask)
        # first id is the background, so remove it
        obj_ids = obj_ids[1:]

        # split the color-encoded mask into a set
        # of binary masks
        masks = mask == obj_ids[:, None, None]

        # get bounding box coordinates for each mask
        num_objs = len(obj_ids)
        boxes = []
        for i in range(num_objs):
            pos = np.where(masks[i])
            xmin = np.min(pos[1])
            xmax = np.max(pos[1])
            ymin = np.min(pos[0])
            ymax = np.max(pos[0])
            boxes.append([xmin, ymin, xmax, ymax])

        # convert everything into a torch.Tensor
        boxes = torch.as_tensor(boxes, dtype=torch.float32)
        # there is only one class
        labels = torch.ones((num_objs,), dtype=torch.int64)
        masks = torch.as_tensor(masks, dtype=torch.uint8)

        image_id = torch.tensor([idx])
        area = (boxes[:, 3] - boxes[:, 1]) * (boxes[:, 2] - boxes[:, 0])
        # suppose all instances are not crowd
        iscrowd = torch.zeros((num_objs,), dtype=torch.int64)

        target = {}
        target["boxes"] = boxes
        target["labels"] = labels
        target["masks"] = masks
        target["image_id"] = image_id
        target["area"] = area
        target["iscrowd"] = iscrowd

        if self.transforms is not None:
            img, target = self.transforms(img, target)

        return img, target

    def __len__(self):
        return len(self.imgs)


# ---- [test] references/detection/transforms.py (the parts the tutorial uses)
class Compose(object):
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, image, target):
        for t in self.transforms:
            image, target = t(image, target)
        return image, target


class RandomHorizontalFlip(object):
    def __init__(self, prob):
        self.prob = prob

    def __call__(self, image, target):
        if random.random() < self.prob:
            height, width = image.shape[-2:]
            image = image.flip(-1)
            bbox = target["boxes"]
            bbox[:, [0, 2]] = width - bbox[:, [2, 0]]
            target["boxes"] = bbox
            if "masks" in target:
                target["masks"] = target["masks"].flip(-1)
        return image, target


class ToTensor(object):
    def __call__(self, image, target):
        image = F.to_tensor(image)
        return image, target


class T:  # [test] stands for ``import transforms as T``
    Compose, RandomHorizontalFlip, ToTensor = Compose, RandomHorizontalFlip, ToTensor


class utils:  # [test] stands for ``import utils`` (references/detection/utils.py)
    @staticmethod
    def collate_fn(batch):
        return tuple(zip(*batch))
# ---- end of the references


def get_transform(train):
    transforms = []
    # converts the image, a PIL image, into a PyTorch Tensor
    transforms.append(T.ToTensor())
    if train:
        # during training, randomly flip the training images
        # and ground-truth for data augmentation
        transforms.append(T.RandomHorizontalFlip(0.5))
    return T.Compose(transforms)


# use our dataset and defined transformations
dataset = PennFudanDataset('data/PennFudanPed', get_transform(train=True))
dataset_test = PennFudanDataset('data/PennFudanPed', get_transform(train=False))

# split the dataset in train and test set
torch.manual_seed(1)
indices = torch.randperm(len(dataset)).tolist()
dataset = torch.utils.data.Subset(dataset, indices[:-1])  # [test] -50
dataset_test = torch.utils.data.Subset(dataset_test, indices[-1:])  # [test] -50

# define training and validation data loaders
data_loader = torch.utils.data.DataLoader(
    dataset, batch_size=2, shuffle=True, num_workers=4,
    collate_fn=utils.collate_fn)

data_loader_test = torch.utils.data.DataLoader(
    dataset_test, batch_size=1, shuffle=False, num_workers=4,
    collate_fn=utils.collate_fn)

# [test] what the model would receive: ``images = list(image.to(device) for image in images)``
# and ``targets = [{k: v.to(device) for k, v in t.items()} for t in targets]``
device = torch.device('cpu')
seen = []
for images, targets in data_loader:
    assert isinstance(images, tuple) and isinstance(targets, tuple)
    images = list(image.to(device) for image in images)
    targets = [{k: v.to(device) for k, v in t.items()} for t in targets]
    for img, t in zip(images, targets):
        n = len(t["labels"])
        boxes_from_masks = [[int(m.nonzero()[:, 1].min()), int(m.nonzero()[:, 0].min()),
                             int(m.nonzero()[:, 1].max()), int(m.nonzero()[:, 0].max())]
                            for m in t["masks"]]
        # the (maybe flipped) boxes enclose their (maybe flipped) masks; the reference flip
        # maps x to ``width - x``, one more than the flipped mask's last pixel column
        as_listed = [[int(v) for v in b] for b in t["boxes"]]
        box_ok = as_listed in (boxes_from_masks, [[a + 1, b, c + 1, d] for a, b, c, d in boxes_from_masks])
        seen.append((int(t["image_id"]), tuple(img.shape), str(img.dtype), n,
                     tuple(t["masks"].shape), str(t["masks"].dtype), str(t["boxes"].dtype),
                     str(t["labels"].dtype), box_ok, sorted(t.keys())))
print("[test] train batches:", sorted(seen))

images, targets = next(iter(data_loader_test))
print("[test] test batch:", type(images).__name__, len(images), type(targets[0]).__name__,
      images[0].shape, images[0].dtype)
print("[test] split:", len(dataset), len(dataset_test))
# [test] the split is random (randperm): every image's untransformed target, by index
every = PennFudanDataset('data/PennFudanPed', get_transform(train=False))
for idx in range(len(every)):
    img, t = every[idx]
    print("[test] item %d:" % idx, round(float(img.sum()), 2),
          {k: v.tolist() if k != "masks" else int(v.sum()) for k, v in t.items()})
