"""TorchVision Object Detection Finetuning Tutorial (intermediate/torchvision_tutorial.py, the
current version: ``torchvision.io.read_image``, ``tv_tensors``, ``transforms.v2``,
``ops.masks_to_boxes``), its data handling, plus the box utilities detection code uses next
(``ops.box_iou``, ``ops.nms``, ``ops.box_area``).

Changes, marked [test]: the generated ``data/PennFudanPed``; ``utils.collate_fn`` written
inline; the Mask R-CNN model left out (ember has no ``torchvision.models.detection``).
"""
import os
import torch

from torchvision.io import read_image
from torchvision.ops.boxes import masks_to_boxes
from torchvision import tv_tensors
from torchvision.transforms.v2 import functional as F


class PennFudanDataset(torch.utils.data.Dataset):
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
        img = read_image(img_path)
        mask = read_image(mask_path)
        # instances are encoded as different colors
        obj_ids = torch.unique(mask)
        # first id is the background, so remove it
        obj_ids = obj_ids[1:]
        num_objs = len(obj_ids)

        # split the color-encoded mask into a set
        # of binary masks
        masks = (mask == obj_ids[:, None, None]).to(dtype=torch.uint8)

        # get bounding box coordinates for each mask
        boxes = masks_to_boxes(masks)

        # there is only one class
        labels = torch.ones((num_objs,), dtype=torch.int64)

        image_id = idx
        area = (boxes[:, 3] - boxes[:, 1]) * (boxes[:, 2] - boxes[:, 0])
        # suppose all instances are not crowd
        iscrowd = torch.zeros((num_objs,), dtype=torch.int64)

        # Wrap sample and targets into torchvision tv_tensors:
        img = tv_tensors.Image(img)

        target = {}
        target["boxes"] = tv_tensors.BoundingBoxes(boxes, format="XYXY", canvas_size=F.get_size(img))
        target["masks"] = tv_tensors.Mask(masks)
        target["labels"] = labels
        target["image_id"] = image_id
        target["area"] = area
        target["iscrowd"] = iscrowd

        if self.transforms is not None:
            img, target = self.transforms(img, target)

        return img, target

    def __len__(self):
        return len(self.imgs)


from torchvision.transforms import v2 as T


def get_transform(train):
    transforms = []
    if train:
        transforms.append(T.RandomHorizontalFlip(0.5))
    transforms.append(T.ToDtype(torch.float, scale=True))
    transforms.append(T.ToPureTensor())
    return T.Compose(transforms)


def collate_fn(batch):  # [test] references/detection/utils.py
    return tuple(zip(*batch))


dataset = PennFudanDataset('data/PennFudanPed', get_transform(train=True))
data_loader = torch.utils.data.DataLoader(
    dataset,
    batch_size=2,
    shuffle=True,
    collate_fn=collate_fn
)

# For Training
images, targets = next(iter(data_loader))
images = list(image for image in images)
targets = [{k: v for k, v in t.items()} for t in targets]
print("[test] batch:", [tuple(i.shape) for i in images], [sorted(t) for t in targets])

# [test] every image's untransformed target, then the box utilities on them
from torchvision import ops

every = PennFudanDataset('data/PennFudanPed', get_transform(train=False))
for idx in range(len(every)):
    img, t = every[idx]
    print("[test] item %d:" % idx, type(img).__name__, img.dtype, round(float(img.sum()), 2),
          t["boxes"].tolist(), int(t["masks"].sum()), t["area"].tolist())
    boxes = t["boxes"]
    print("[test] iou %d:" % idx, ops.box_iou(boxes, boxes).tolist(), ops.box_area(boxes).tolist())
boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 11., 11.], [20., 20., 30., 30.],
                      [0., 0., 9., 10.]])
scores = torch.tensor([0.9, 0.8, 0.7, 0.95])
print("[test] nms:", ops.nms(boxes, scores, 0.5).tolist())
print("[test] batched_nms:", ops.batched_nms(boxes, scores, torch.tensor([0, 1, 0, 1]), 0.5).tolist())
